//! The `netball` binary on good and bad input: bad input gets a clear error, never a panic.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn netball(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netball"))
        .args(args)
        .env(
            "NETBALL_DATA",
            std::env::temp_dir().join("netball-cli-test-data-unused"),
        )
        .output()
        .expect("the binary runs")
}

fn os(s: &(impl AsRef<std::ffi::OsStr> + ?Sized)) -> &std::ffi::OsStr {
    s.as_ref()
}

/// Runs, expects failure with `needle` in the message and no panic.
fn fails_with(args: &[&std::ffi::OsStr], needle: &str) {
    let out = netball(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "{args:?} should fail; stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(
        stderr.contains(needle),
        "{args:?}: expected `{needle}` in: {stderr}"
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn import_then_detect_an_image() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("fall.bpk");
    let out = netball(&[
        os("model"),
        os("import"),
        common::best_pt().as_os_str(),
        os("--out"),
        model.as_os_str(),
        os("--classes"),
        os("Normal,Fall"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size = std::fs::metadata(&model).unwrap().len();
    assert!(size < 25_000_000, "fp16 weights stay fp16: {size} bytes");

    let annotated = dir.path().join("out.png");
    let out = netball(&[
        os("detect"),
        common::basketball().as_os_str(),
        os("--weights"),
        model.as_os_str(),
        os("--device"),
        os("cpu"),
        os("--annotated"),
        annotated.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["width"], 640);
    assert_eq!(report["model"]["classes"][0], "Normal");
    let dets = report["frames"][0]["detections"].as_array().unwrap();
    assert!(!dets.is_empty(), "people are in the picture");
    assert!(
        dets.iter()
            .all(|d| d["label"] == "Normal" || d["label"] == "Fall")
    );
    let info = netball(&[os("model"), os("info"), model.as_os_str()]);
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(
        (info["scale"].as_str(), info["input_size"].as_u64()),
        (Some("s"), Some(640))
    );
    let img = ::image::open(&annotated).unwrap();
    assert_eq!((img.width(), img.height()), (640, 480));
}

#[test]
fn detect_a_video_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let annotated = dir.path().join("video.png");
    let out = netball(&[
        os("detect"),
        common::vtest().as_os_str(),
        os("--weights"),
        common::best_pt().as_os_str(),
        os("--device"),
        os("cpu"),
        os("--max-frames"),
        os("5"),
        os("--batch"),
        os("2"),
        os("--annotated"),
        annotated.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let frames = report["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 5);
    assert_eq!(
        (report["width"].as_u64(), report["height"].as_u64()),
        (Some(768), Some(576))
    );
    assert!(
        frames
            .iter()
            .any(|f| !f["detections"].as_array().unwrap().is_empty())
    );
    assert!(annotated.is_file());
}

#[test]
fn bad_weights_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let img = common::basketball();
    let pt = std::fs::read(common::best_pt()).unwrap();
    let truncated = write(dir.path(), "truncated.pt", &pt[..pt.len() / 3]);
    let garbage = write(dir.path(), "garbage.pt", b"this is not a checkpoint");
    let garbage_bpk = write(dir.path(), "garbage.bpk", &[0u8; 64]);
    let wrong = write(dir.path(), "weights.onnx", b"x");
    let detect = |w: &Path, needle: &str| {
        fails_with(
            &[
                os("detect"),
                img.as_os_str(),
                os("--weights"),
                w.as_os_str(),
                os("--device"),
                os("cpu"),
            ],
            needle,
        )
    };
    detect(&truncated, "truncated.pt");
    detect(&garbage, "not a readable PyTorch checkpoint");
    detect(&garbage_bpk, "not a usable model file");
    detect(&wrong, "unsupported weights format");
    detect(&dir.path().join("missing.bpk"), "missing.bpk");
}

#[test]
fn bad_media_gets_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let weights = common::best_pt();
    let png = std::fs::read(common::basketball()).unwrap();
    let avi = std::fs::read(common::vtest()).unwrap();
    let cases = [
        (
            write(dir.path(), "truncated.png", &png[..png.len() / 2]),
            "not a decodable image",
        ),
        (
            write(dir.path(), "noise.mp4", &[7u8; 4096]),
            "not a readable video",
        ),
        (
            write(dir.path(), "truncated.avi", &avi[..2048]),
            "truncated.avi",
        ),
        (dir.path().join("missing.png"), "missing.png"),
    ];
    for (input, needle) in cases {
        fails_with(
            &[
                os("detect"),
                input.as_os_str(),
                os("--weights"),
                weights.as_os_str(),
                os("--device"),
                os("cpu"),
            ],
            needle,
        );
    }
}

#[test]
fn gpu_without_a_gpu_is_an_error_and_auto_falls_back() {
    // This machine (and CI) has no GPU: `gpu` must refuse, `auto` must run on the CPU.
    let img = common::basketball();
    let weights = common::best_pt();
    let dir = tempfile::tempdir().unwrap();
    let annotated = dir.path().join("a.png");
    let args = |device: &'static str| {
        vec![
            os("detect").to_owned(),
            img.clone().into_os_string(),
            os("--weights").to_owned(),
            weights.clone().into_os_string(),
            os("--device").to_owned(),
            os(device).to_owned(),
            os("--annotated").to_owned(),
            annotated.clone().into_os_string(),
        ]
    };
    let gpu = args("gpu");
    let refs: Vec<_> = gpu.iter().map(|s| s.as_os_str()).collect();
    let out = netball(&refs);
    if out.status.success() {
        eprintln!("a GPU is present here; the no-GPU checks do not apply");
        return;
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no GPU is available"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let auto = args("auto");
    let refs: Vec<_> = auto.iter().map(|s| s.as_os_str()).collect();
    let out = netball(&refs);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("running on the CPU"),
        "one clear log line: {stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["device"].as_str().unwrap().starts_with("CPU"));
}

/// `netball bench` on the CPU with the real weights and image, plus `extra`.
fn bench_args<'a>(
    weights: &'a Path,
    image: &'a Path,
    extra: &[&'a std::ffi::OsStr],
) -> Vec<&'a std::ffi::OsStr> {
    let mut args = vec![
        os("bench"),
        os("--device"),
        os("cpu"),
        os("--weights"),
        weights.as_os_str(),
        os("--images"),
        image.as_os_str(),
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn bench_reports_throughput_and_refuses_bad_batches() {
    let (weights, image) = (common::best_pt(), common::basketball());
    let out = netball(&bench_args(
        &weights,
        &image,
        &[
            os("--scales"),
            os("s"),
            os("--batches"),
            os("1"),
            os("--seconds"),
            os("0"),
        ],
    ));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("The device is the CPU: no comparison."),
        "{stdout}"
    );
    let row = stdout
        .lines()
        .find(|l| l.starts_with("| s | real | 1 |"))
        .unwrap_or_else(|| panic!("no throughput row for s, batch 1: {stdout}"));
    let images_per_second: f64 = row.split('|').nth(4).unwrap().trim().parse().unwrap();
    assert!(images_per_second > 0.0, "{row}");

    fails_with(
        &bench_args(&weights, &image, &[os("--batches"), os("0")]),
        "batch sizes must be at least 1",
    );
}

const FIXTURES: &str = "home_team,away_team,home_score,away_score,category,date
Hawks,Kites,41,38,U15,2026-03-07
Kites,Swifts,30,30,U15,2026-03-14
Swifts,Hawks,35,40,U15,2026-03-21
Hawks,Swifts,,,U15,2026-04-11
Owls,Wrens,12,12,U12,2026-03-07
";

#[test]
fn standings_prints_each_category_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = write(dir.path(), "league.csv", FIXTURES.as_bytes());
    let out = netball(&[os("standings"), fixtures.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("U15\n"), "{stdout}");
    assert!(stdout.contains("1 game still to play"), "{stdout}");
    // Hawks won both; Owls and Wrens share first place in U12.
    let hawks = stdout.lines().find(|l| l.contains("Hawks")).unwrap();
    assert!(hawks.trim_start().starts_with("1 "), "{hawks}");
    assert!(stdout.contains("1=  Owls"), "{stdout}");
    let csv = std::fs::read_to_string(dir.path().join("league-standings.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "category,position,team,played,won,drawn,lost,goals_for,goals_against,goal_difference,goal_average,points"
    );
    assert_eq!(lines[1], "U15,1,Hawks,2,2,0,0,81,73,8,1.110,4");
    assert_eq!(lines.len(), 1 + 3 + 2);

    // One category, three points a win, into a named file.
    let named = dir.path().join("u12.csv");
    let out = netball(&[
        os("standings"),
        fixtures.as_os_str(),
        os("--category"),
        os("U12"),
        os("--win"),
        os("3"),
        os("-o"),
        named.as_os_str(),
    ]);
    assert!(out.status.success());
    let csv = std::fs::read_to_string(&named).unwrap();
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains("U12,1,Owls,1,0,1,0,12,12,0,1.000,1"), "{csv}");
}

#[test]
fn standings_bad_input_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let bad_row = write(
        dir.path(),
        "bad.csv",
        format!("{FIXTURES}Hawks,Kites,12,,U15,2026-05-01\n").as_bytes(),
    );
    fails_with(
        &[os("standings"), bad_row.as_os_str()],
        "line 7: only one score is given",
    );
    let bad_header = write(dir.path(), "header.csv", b"home,away\nA,B\n");
    fails_with(
        &[os("standings"), bad_header.as_os_str()],
        "the first line must be the header",
    );
    let fixtures = write(dir.path(), "league.csv", FIXTURES.as_bytes());
    fails_with(
        &[
            os("standings"),
            fixtures.as_os_str(),
            os("--category"),
            os("U18"),
        ],
        "no games in category `U18`",
    );
    fails_with(
        &[
            os("standings"),
            fixtures.as_os_str(),
            os("--tie-breaks"),
            os("goal-ratio"),
        ],
        "unknown tie-break `goal-ratio`",
    );
    fails_with(
        &[os("standings"), dir.path().join("missing.csv").as_os_str()],
        "missing.csv",
    );
}

/// A side-line camera over the court at 1280x720 and its floor homography.
fn side_line_camera() -> netball_shared::camera::PinholeCamera {
    netball_shared::camera::PinholeCamera::looking_at(
        [15.0, -14.0, 7.0],
        [15.25, 7.1, 0.0],
        48.0,
        1280,
        720,
    )
    .unwrap()
}

#[test]
fn calibrate_fits_clicked_landmarks_and_leaves_out_a_misclick() {
    use netball_shared::court::{CourtDimensions, Landmark};
    let dir = tempfile::tempdir().unwrap();
    let frame = dir.path().join("frame.png");
    image::RgbImage::from_pixel(1280, 720, image::Rgb([60, 40, 120]))
        .save(&frame)
        .unwrap();
    let camera = side_line_camera();
    let court = CourtDimensions::default();
    // Every landmark, clicked within half a pixel (a fixed pattern), and one click 40 px off.
    let mut csv = String::from("landmark,u,v\n");
    for (k, landmark) in Landmark::ALL.into_iter().enumerate() {
        let [u, v] = camera.project_floor(landmark.point(&court)).unwrap();
        let jitter = [0.5, -0.3, 0.1, -0.5, 0.3][k % 5];
        let miss = if k == 6 { 40.0 } else { 0.0 };
        csv += &format!("{landmark},{:.2},{:.2}\n", u + jitter + miss, v - jitter);
    }
    let points = write(dir.path(), "points.csv", csv.as_bytes());
    let out = netball(&[
        os("calibrate"),
        frame.as_os_str(),
        os("--points"),
        points.as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("13 of 14 points used"), "{stdout}");
    assert!(stdout.contains("(left out)"), "{stdout}");
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("frame.png.calibration.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["format"], "netball-calibration");
    assert_eq!(json["points"][6]["inlier"], false);
    let h: [[f64; 3]; 3] = serde_json::from_value(json["homography"].clone()).unwrap();
    let error = common::court_error(
        &side_line_camera().floor_homography(),
        &netball_shared::camera::Homography(h),
    );
    assert!(error < 0.05, "median error {error} m");
    // The preview shows the projected lines: the near side line's middle is drawn.
    let preview = image::open(dir.path().join("frame.png.calibration.png"))
        .unwrap()
        .to_rgb8();
    let [u, v] = camera
        .project_floor(netball_shared::court::CourtPoint::new(15.25, 0.025))
        .unwrap();
    assert_eq!(
        preview.get_pixel(u.round() as u32, v.round() as u32).0,
        [255, 220, 0]
    );
}

#[test]
fn calibrate_bad_points_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let frame = dir.path().join("frame.png");
    image::RgbImage::new(64, 48).save(&frame).unwrap();
    let run = |name: &str, csv: &str, needle: &str| {
        let points = write(dir.path(), name, csv.as_bytes());
        fails_with(
            &[
                os("calibrate"),
                frame.as_os_str(),
                os("--points"),
                points.as_os_str(),
            ],
            needle,
        );
    };
    run(
        "unknown.csv",
        "landmark,u,v\nlow-near-corner,1,2\nleft-corner,3,4\n",
        "line 3",
    );
    run(
        "header.csv",
        "name,u,v\nlow-near-corner,1,2\n",
        "the header must be",
    );
    run(
        "number.csv",
        "x,y,u,v\n0,0,1,two\n",
        "`two` is not a number",
    );
    run(
        "three.csv",
        "landmark,u,v\nlow-near-corner,1,2\nlow-far-corner,3,40\nhigh-far-corner,60,40\n",
        "4",
    );
    run(
        "collinear.csv",
        "x,y,u,v\n0,0,0,0\n10,0,10,0\n20,0,20,0\n30,0,30,0\n",
        "calibrating",
    );
}

#[test]
fn half_precision_on_the_cpu_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let args = |precision: &'static str| {
        vec![
            os("analyze").to_owned(),
            common::vtest().into_os_string(),
            os("-o").to_owned(),
            dir.path().as_os_str().to_owned(),
            os("--weights").to_owned(),
            common::best_pt().into_os_string(),
            os("--device").to_owned(),
            os("cpu").to_owned(),
            os("--precision").to_owned(),
            os(precision).to_owned(),
            os("--no-cache").to_owned(),
        ]
    };
    let half = args("f16");
    fails_with(
        &half.iter().map(|s| s.as_os_str()).collect::<Vec<_>>(),
        "f16 runs on a GPU only: the CPU computes in f32",
    );
    let wrong = args("f64");
    fails_with(
        &wrong.iter().map(|s| s.as_os_str()).collect::<Vec<_>>(),
        "`f64` is not a precision (f32, f16)",
    );
    assert!(
        !dir.path().join("vtest").exists(),
        "a refused run writes nothing"
    );
}

#[test]
fn a_feet_depth_beyond_reason_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    for depth in ["-0.1", "3", "NaN"] {
        fails_with(
            &[
                os("analyze"),
                common::vtest().as_os_str(),
                os("-o"),
                dir.path().as_os_str(),
                os("--weights"),
                common::best_pt().as_os_str(),
                os(&format!("--feet-depth={depth}")),
            ],
            "is not a distance from 0 to 2 m",
        );
    }
    assert!(!dir.path().join("vtest").exists());
}
