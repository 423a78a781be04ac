//! `netball simulate` and `netball dataset` end to end: the video decodes to as many frames as
//! the truth describes, a seed replays byte for byte, the dataset is valid YOLO with disjoint
//! seeds, and bad requests get clear errors without panics.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

use netball_server::decode::video::VideoFrames;
use netball_server::simulate::truth::{ObjectClass, Truth};

fn netball(args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netball"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn os(s: &(impl AsRef<OsStr> + ?Sized)) -> &OsStr {
    s.as_ref()
}

/// Runs `netball simulate` on a short, small clip; `extra` options replace the defaults.
fn simulate(dir: &Path, name: &str, extra: &[&str]) -> Output {
    let video = dir.join(format!("{name}.mp4"));
    let truth = dir.join(format!("{name}.json"));
    let gt = dir.join(format!("{name}.gt.txt"));
    let defaults = [
        ("--seed", "5"),
        ("--duration", "6s"),
        ("--resolution", "320x180"),
        ("--violations", "offside,three-seconds,obstruction"),
        ("--violation-every", "2s"),
    ];
    let mut args = vec![
        os("simulate"),
        os("--out"),
        video.as_os_str(),
        os("--truth"),
        truth.as_os_str(),
        os("--gt"),
        gt.as_os_str(),
    ];
    for (flag, value) in defaults {
        if !extra.contains(&flag) {
            args.extend([os(flag), os(value)]);
        }
    }
    args.extend(extra.iter().map(os));
    netball(&args)
}

#[test]
fn a_clip_and_its_truth_agree_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let out = simulate(dir.path(), "a", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth: Truth =
        serde_json::from_slice(&std::fs::read(dir.path().join("a.json")).unwrap()).unwrap();
    assert_eq!(truth.header.format, "netball-truth");
    assert_eq!(truth.frames.len(), 150);
    assert!(
        truth
            .frames
            .iter()
            .enumerate()
            .all(|(i, f)| f.frame == i as u64)
    );
    let frame = &truth.frames[0];
    let players = frame
        .objects
        .iter()
        .filter(|o| o.class == ObjectClass::Player)
        .count();
    assert_eq!(players, 14, "the side-line view shows every player");
    assert_eq!(
        frame
            .objects
            .iter()
            .filter(|o| o.class == ObjectClass::Ball)
            .count(),
        1
    );
    assert_eq!(
        frame
            .objects
            .iter()
            .filter(|o| o.class == ObjectClass::Ring)
            .count(),
        2
    );
    for o in &frame.objects {
        let [x0, y0, x1, y1] = o.bbox;
        assert!(0.0 <= x0 && x0 < x1 && x1 <= 320.0 && 0.0 <= y0 && y0 < y1 && y1 <= 180.0);
    }
    // The video holds exactly the frames the truth describes.
    let decoded = VideoFrames::open(&dir.path().join("a.mp4"))
        .unwrap()
        .count();
    assert_eq!(decoded, 150);
    let gt = std::fs::read_to_string(dir.path().join("a.gt.txt")).unwrap();
    let objects: usize = truth.frames.iter().map(|f| f.objects.len()).sum();
    assert_eq!(gt.lines().count(), objects);
    // The same seed gives the same truth, byte for byte.
    let again = simulate(dir.path(), "b", &[]);
    assert!(again.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("a.json")).unwrap(),
        std::fs::read(dir.path().join("b.json")).unwrap()
    );
}

#[test]
fn bad_simulation_requests_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (extra, needle) in [
        (&["--resolution", "321x180"][..], "even"),
        (&["--resolution", "wide"], "WIDTHxHEIGHT"),
        (&["--duration", "0s"], "positive"),
        (&["--fps", "0"], "frames per second"),
        (&["--preset", "warp-speed"], "preset"),
    ] {
        let out = simulate(dir.path(), "bad", extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{extra:?} should fail");
        assert!(!stderr.contains("panicked"), "{extra:?} panicked: {stderr}");
        assert!(
            stderr.contains(needle),
            "{extra:?}: expected `{needle}` in {stderr}"
        );
    }
    let missing = dir.path().join("no/such/dir/clip.mp4");
    let out = netball(&[
        os("simulate"),
        os("--duration"),
        os("1s"),
        os("--resolution"),
        os("160x90"),
        os("--out"),
        missing.as_os_str(),
        os("--truth"),
        dir.path().join("t.json").as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert!(stderr.contains("no/such/dir"), "{stderr}");
}

#[test]
fn the_dataset_is_valid_yolo_with_unseen_validation_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = || {
        netball(&[
            os("dataset"),
            os("--images"),
            os("8"),
            os("--per-clip"),
            os("2"),
            os("--spacing"),
            os("2s"),
            os("--resolution"),
            os("320x192"),
            os("--val-fraction"),
            os("0.25"),
            os("--out"),
            data.as_os_str(),
        ])
    };
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = std::fs::read_to_string(data.join("data.yaml")).unwrap();
    for line in [
        "train: images/train",
        "val: images/val",
        "0: player",
        "1: umpire",
        "2: ball",
        "3: ring",
    ] {
        assert!(yaml.contains(line), "data.yaml lacks `{line}`:\n{yaml}");
    }
    let mut seeds = [BTreeSet::new(), BTreeSet::new()];
    let mut counts = [0, 0];
    for (k, split) in ["train", "val"].into_iter().enumerate() {
        for entry in std::fs::read_dir(data.join("images").join(split)).unwrap() {
            let image = entry.unwrap().path();
            let stem = image.file_stem().unwrap().to_str().unwrap().to_string();
            seeds[k].insert(stem.split('_').next().unwrap().to_string());
            counts[k] += 1;
            let decoded = image::open(&image).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (320, 192));
            let label = data.join("labels").join(split).join(format!("{stem}.txt"));
            let text = std::fs::read_to_string(&label).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert!(lines.len() >= 10, "{stem}: only {} labels", lines.len());
            for line in lines {
                let v: Vec<f32> = line.split(' ').map(|x| x.parse().unwrap()).collect();
                assert_eq!(v.len(), 5, "{line}");
                assert!([0.0, 1.0, 2.0, 3.0].contains(&v[0]), "{line}");
                assert!(v[1..].iter().all(|x| (0.0..=1.0).contains(x)), "{line}");
                assert!(v[3] > 0.0 && v[4] > 0.0, "{line}");
            }
        }
    }
    assert_eq!(counts, [6, 2]);
    assert!(seeds[0].is_disjoint(&seeds[1]), "{seeds:?}");
    // A second run into the same folder is refused rather than mixing two datasets.
    let out = run();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("already holds a dataset"),
        "{stderr}"
    );
}

/// The court found from its lines alone on the first frame of simulated clips, from the side
/// line (720p and 1080p), behind the low end, and the panning camera.
#[test]
fn the_court_is_found_from_its_lines() {
    use netball_shared::camera::calibrate_from_lines;
    use netball_shared::court::CourtDimensions;
    let dir = tempfile::tempdir().unwrap();
    let mut report = Vec::new();
    // Issue 5's target is a median under 0.15 m. Seeds 33 and 31 missed it before the coarse
    // poses were polished (docs/performance.md): their cameras lay between the grid's poses,
    // and seed 31's, with half the lines in view, ranked low among them.
    for (name, seed, view, size) in [
        ("side", "25", "sideline", "1280x720"),
        ("goal", "21", "behind-goal", "1280x720"),
        ("pan", "22", "panning", "1280x720"),
        ("side2", "23", "sideline", "1920x1080"),
        ("goal2", "33", "behind-goal", "1280x720"),
        ("pan2", "31", "panning", "1920x1080"),
    ] {
        let out = simulate(
            dir.path(),
            name,
            &[
                "--seed",
                seed,
                "--view",
                view,
                "--duration",
                "1s",
                "--resolution",
                size,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let truth: Truth = serde_json::from_slice(
            &std::fs::read(dir.path().join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let frame = VideoFrames::open(&dir.path().join(format!("{name}.mp4")))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .frame;
        let found = calibrate_from_lines(&frame, &CourtDimensions::default()).unwrap();
        let error = common::court_error(&truth.frames[0].camera.homography, &found.homography);
        report.push(format!(
            "{view}: {error:.3} m (fit {:.2} px, {:.0}% of lines in view)",
            found.fit_px,
            100.0 * found.visible
        ));
        assert!(error < 0.15, "{view}: median {error} m; {report:?}");
    }
    eprintln!("{}", report.join("\n"));
}
