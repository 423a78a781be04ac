//! `netball analyze` and `netball eval` end to end: oracle tracking on a simulated clip writes
//! every output and holds its scores, the pipelined and baseline runs agree, strides and ranges pick the
//! right frames, repeated frames are not detected again, the cache serves the same analysis,
//! tracklets joined into players agree in every output, a real video runs through the real
//! detector, bad videos fail alone, and roles set by hand raise offside flags.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use netball_server::decode::video::VideoFrames;
use netball_shared::events::EventKind;
use netball_shared::result::AnalysisResult;
use serde_json::Value;

/// The data folder of these tests (its `cache/` is the analysis cache), never the user's.
fn data_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

fn netball<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netball"))
        .args(args)
        .env("NETBALL_DATA", data_dir())
        .output()
        .expect("the binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A simulated clip shared by the tests (rendering it is the slow part): 20 s, 1280x720 (at
/// smaller sizes players are a few pixels wide, and 2 px of box noise is most of a box).
struct Clip {
    _dir: tempfile::TempDir,
    video: PathBuf,
    truth: PathBuf,
}

fn clip() -> &'static Clip {
    static CLIP: OnceLock<Clip> = OnceLock::new();
    CLIP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let video = dir.path().join("clip.mp4");
        let truth = dir.path().join("clip.json");
        let out = netball(&[
            OsStr::new("simulate"),
            OsStr::new("--seed"),
            OsStr::new("3"),
            OsStr::new("--duration"),
            OsStr::new("20s"),
            OsStr::new("--resolution"),
            OsStr::new("1280x720"),
            OsStr::new("--out"),
            video.as_os_str(),
            OsStr::new("--truth"),
            truth.as_os_str(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
        Clip {
            _dir: dir,
            video,
            truth,
        }
    })
}

/// The simulator's floor map of the clip, as a calibration made on half-size frames (which
/// `netball analyze` scales to the video), written into `dir`.
fn simulator_calibration(dir: &Path) -> PathBuf {
    use netball_server::simulate::truth::Truth;
    let truth: Truth = serde_json::from_slice(&std::fs::read(&clip().truth).unwrap()).unwrap();
    let m = truth.frames[0].camera.homography.0;
    let half = serde_json::json!({
        "width": 640,
        "height": 360,
        "homography": [m[0].map(|v| v / 2.0), m[1].map(|v| v / 2.0), m[2]],
    });
    let calibration = dir.join("cal.json");
    std::fs::write(&calibration, half.to_string()).unwrap();
    calibration
}

/// Runs `netball analyze` with oracle detections from the clip's truth.
fn analyze_oracle(out: &Path, extra: &[&str]) -> Output {
    let c = clip();
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("analyze"),
        c.video.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--truth"),
        c.truth.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    netball(&args)
}

/// `netball eval --json` of a result of the test clip.
fn eval_scores(result: &Path) -> Value {
    let eval = netball(&[
        OsStr::new("eval"),
        OsStr::new("--truth"),
        clip().truth.as_os_str(),
        OsStr::new("--result"),
        result.as_os_str(),
        OsStr::new("--json"),
    ]);
    assert!(eval.status.success(), "{}", text(&eval));
    serde_json::from_slice(&eval.stdout).unwrap()
}

fn read_result(path: &Path) -> AnalysisResult {
    AnalysisResult::from_json(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn oracle_tracking_scores_and_every_output_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze_oracle(dir.path(), &[]);
    assert!(out.status.success(), "{}", text(&out));
    let folder = dir.path().join("clip");
    let result = read_result(&folder.join("result.json"));
    assert_eq!(result.frames.len(), 500, "20 s at 25 fps");
    assert_eq!(result.header.video.width, 1280);
    // Identities corrected after the fact never give one id to two people in a frame.
    for f in &result.frames {
        let mut ids: Vec<u32> = f.tracks.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "frame {} repeats an id", f.frame);
    }
    // An id keeps to one class (an umpire's never passes to a player), and officials, who
    // wear no bib, are given no position.
    let mut class_of = std::collections::BTreeMap::new();
    for t in result.frames.iter().flat_map(|f| &f.tracks) {
        let class = *class_of.entry(t.id).or_insert(t.class_id);
        assert_eq!(class, t.class_id, "track {}", t.id);
    }
    assert!(result.tracks.iter().any(|t| t.label == "umpire"));
    for t in result.tracks.iter().filter(|t| t.label == "umpire") {
        assert_eq!(t.position, None, "{t:?}");
    }
    let stages: Vec<&str> = result
        .metrics
        .stages
        .iter()
        .map(|s| s.stage.as_str())
        .collect();
    assert_eq!(stages, ["decode", "preprocess", "detect", "track", "write"]);
    assert!(result.metrics.peak_rss_bytes.is_some());
    assert!(!result.ball.is_empty(), "the ball is tracked");
    assert!(
        result.tracks.iter().filter(|t| t.team.is_some()).count() >= 10,
        "most tracks get a team: {:?}",
        result.tracks
    );

    // The exports agree with the document.
    let tracked: usize = result.frames.iter().map(|f| f.tracks.len()).sum();
    let mot = std::fs::read_to_string(folder.join("tracks.mot.txt")).unwrap();
    assert_eq!(mot.lines().count(), tracked);
    let csv = std::fs::read_to_string(folder.join("tracks.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        tracked + 1,
        "a header and a row per track box"
    );
    let detections: usize = result.frames.iter().map(|f| f.detections.len()).sum();
    let csv = std::fs::read_to_string(folder.join("detections.csv")).unwrap();
    assert_eq!(csv.lines().count(), detections + 1);
    let players = std::fs::read_to_string(folder.join("players.csv")).unwrap();
    assert_eq!(players.lines().count(), result.tracks.len() + 1);
    let events = std::fs::read_to_string(folder.join("events.csv")).unwrap();
    assert_eq!(events.lines().count(), result.events.len() + 1);
    let teams = std::fs::read_to_string(folder.join("teams.csv")).unwrap();
    assert_eq!(teams.lines().count(), result.stats.teams.len() + 1);
    // The statistics add up to the events.
    let passes: Vec<&EventKind> = result
        .events
        .iter()
        .map(|e| &e.kind)
        .filter(|k| matches!(k, EventKind::Pass { .. }))
        .collect();
    let thrown: u32 = result.stats.players.iter().map(|p| p.passes).sum();
    assert_eq!(thrown as usize, passes.len());
    let team_passes: u32 = result.stats.teams.values().map(|t| t.passes).sum();
    let with_team = passes.iter().filter(|k| k.player().team.is_some()).count();
    assert_eq!(team_passes as usize, with_team, "{:?}", result.stats);
    assert_eq!(result.stats.teams.len(), 2, "{:?}", result.stats);
    let video: Vec<_> = VideoFrames::open(&folder.join("annotated.mp4"))
        .unwrap()
        .collect::<anyhow::Result<_>>()
        .unwrap();
    assert_eq!(
        video.len(),
        500,
        "the annotated video has every analysed frame"
    );
    assert_eq!(
        (video[0].frame.width(), video[0].frame.height()),
        (1280, 720)
    );

    // 10% misses, 2 px noise, 0.5 false detections a frame. The target (IDF1 >= 0.90)
    // is not reached yet: from the side line, a defender marking goal-side often stands wholly
    // behind her attacker, where neither boxes nor partly hidden looks tell them apart. These
    // bounds guard what the tracker does today (IDF1 0.85, MOTA 0.90, 72 switches here);
    // without bibs IDF1 was 0.53 (121 switches: each identity a bib hands back counts as one),
    // and without untangling swaps 0.50.
    let scores = eval_scores(&folder.join("result.json"));
    let idf1 = scores["tracking"]["idf1"].as_f64().unwrap();
    let switches = scores["tracking"]["id_switches"].as_u64().unwrap();
    let mota = scores["tracking"]["mota"].as_f64().unwrap();
    assert!(idf1 >= 0.75, "IDF1 {idf1}: {scores:#}");
    assert!(mota >= 0.85, "MOTA {mota}: {scores:#}");
    assert!(switches <= 150, "{switches} ID switches: {scores:#}");
    // Most tracked players carry the position read on their bibs, and it is mostly right.
    let p = &scores["positions"];
    let share = |a: &str, b: &str| p[a].as_f64().unwrap() / p[b].as_f64().unwrap().max(1.0);
    assert!(share("boxes_with_position", "matched_boxes") > 0.8, "{p:#}");
    assert!(share("boxes_right", "boxes_with_position") > 0.85, "{p:#}");
    assert!(scores["ap50"].as_f64().unwrap() > 0.75, "{scores:#}");
    assert!(
        scores["movement"].is_null(),
        "no calibration, no distances to score"
    );
    // The match events, from the ball and the tracks (here 9 possessions, 7 passes, a shot
    // and its miss; found: all possessions, 6 passes, the shot and the miss).
    let e = &scores["events"];
    let f1 = |kind: &str| {
        let k = &e[kind];
        let n = |f: &str| k[f].as_f64().unwrap();
        2.0 * n("matched") / (n("truth") + n("found")).max(1.0)
    };
    assert!(e["possession"]["truth"].as_u64().unwrap() >= 5, "{e:#}");
    assert!(f1("possession") >= 0.8, "{e:#}");
    assert!(f1("pass") >= 0.7, "{e:#}");
    assert!(f1("shot") >= 0.99 && f1("miss") >= 0.99, "{e:#}");
    assert_eq!(
        result.events.first().map(|ev| ev.time < 5.0),
        Some(true),
        "{:?}",
        result.events
    );
}

#[test]
fn tracklets_joined_into_players_agree_in_every_output() {
    let (joined_dir, apart_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = analyze_oracle(joined_dir.path(), &["--no-video"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = analyze_oracle(apart_dir.path(), &["--no-video", "--no-stitch"]);
    assert!(out.status.success(), "{}", text(&out));
    let folder = joined_dir.path().join("clip");
    let joined = read_result(&folder.join("result.json"));
    let apart = read_result(&apart_dir.path().join("clip/result.json"));
    assert!(joined.header.settings.stitch.enabled);
    assert!(!apart.header.settings.stitch.enabled);

    let players: BTreeSet<u32> = joined.tracks.iter().map(|t| t.id).collect();
    let tracklets: BTreeSet<u32> = joined
        .tracks
        .iter()
        .flat_map(|t| t.tracklets.iter().copied())
        .collect();
    // Several players of this clip were followed under more than one id (here 8 of them).
    assert!(tracklets.len() >= 3, "{:?}", joined.tracks);
    assert!(players.is_disjoint(&tracklets));
    assert!(apart.tracks.iter().all(|t| t.tracklets.is_empty()));
    // Each tracklet was a track of its own without the joins, and nothing else changed.
    let separate: BTreeSet<u32> = apart.tracks.iter().map(|t| t.id).collect();
    assert_eq!(
        separate,
        players
            .union(&tracklets)
            .copied()
            .collect::<BTreeSet<u32>>()
    );
    for t in joined.tracks.iter().filter(|t| !t.tracklets.is_empty()) {
        let parts: Vec<_> = apart
            .tracks
            .iter()
            .filter(|a| a.id == t.id || t.tracklets.contains(&a.id))
            .collect();
        // Her own part names her position; the parts joined to it are of her team where
        // their kit could be told (a short part whose bib was unread or doubtful joins the
        // player in whose gap it was seen).
        let own = parts.iter().find(|a| a.id == t.id).unwrap();
        assert_eq!((own.team, own.position), (t.team, t.position));
        assert!(parts.iter().all(|a| a.team.is_none() || a.team == t.team));
        assert_eq!(
            t.first_frame,
            parts.iter().map(|a| a.first_frame).min().unwrap()
        );
        assert_eq!(
            t.last_frame,
            parts.iter().map(|a| a.last_frame).max().unwrap()
        );
        assert!(t.frames <= parts.iter().map(|a| a.frames).sum::<u64>());
    }

    // The frames, the exports, the teams and the events name players only, and a player's
    // frame count is the frames that show her.
    let mut shown: std::collections::BTreeMap<u32, u64> = Default::default();
    for f in &joined.frames {
        let ids: BTreeSet<u32> = f.tracks.iter().map(|t| t.id).collect();
        assert_eq!(ids.len(), f.tracks.len(), "frame {} repeats an id", f.frame);
        for id in ids {
            *shown.entry(id).or_default() += 1;
        }
    }
    for t in &joined.tracks {
        assert_eq!(
            shown.get(&t.id).copied().unwrap_or(0),
            t.frames,
            "track {}",
            t.id
        );
    }
    let csv = std::fs::read_to_string(folder.join("tracks.csv")).unwrap();
    let mot = std::fs::read_to_string(folder.join("tracks.mot.txt")).unwrap();
    let csv_ids = csv.lines().skip(1).map(|l| l.split(',').nth(2).unwrap());
    let mot_ids = mot.lines().map(|l| l.split(',').nth(1).unwrap());
    for id in csv_ids.chain(mot_ids) {
        assert!(players.contains(&id.parse().unwrap()), "{id}");
    }
    assert!(joined.teams.teams.keys().all(|id| players.contains(id)));
    for e in &joined.events {
        assert!(players.contains(&e.kind.player().track), "{e:?}");
    }
    assert!(
        joined
            .stats
            .players
            .iter()
            .all(|p| players.contains(&p.track))
    );
    assert!(
        !folder.join(".frames.partial.jsonl").exists(),
        "the spool is removed"
    );
}

#[test]
fn pipelined_and_baseline_runs_agree() {
    let dir = tempfile::tempdir().unwrap();
    let fast = dir.path().join("fast");
    let slow = dir.path().join("slow");
    let out = analyze_oracle(&fast, &["--end", "4s"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = analyze_oracle(&slow, &["--end", "4s", "--baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    let fast = read_result(&fast.join("clip/result.json"));
    let slow = read_result(&slow.join("clip/result.json"));
    assert_eq!(fast.frames.len(), 100);
    assert_eq!(fast.frames, slow.frames, "same detections and tracks");
    assert_eq!(fast.ball, slow.ball);
    assert_eq!(slow.metrics.mode, "baseline");
}

#[test]
fn the_same_analysis_twice_comes_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("1"), dir.path().join("2"));
    let options = ["--end", "3s", "--oracle-seed", "77"];
    let out = analyze_oracle(&first, &options);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("cached"));
    let out = analyze_oracle(&second, &options);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("cached"),
        "{}",
        text(&out)
    );
    for name in ["result.json", "tracks.csv", "tracks.mot.txt", "players.csv"] {
        assert_eq!(
            std::fs::read(first.join("clip").join(name)).unwrap(),
            std::fs::read(second.join("clip").join(name)).unwrap(),
            "{name}"
        );
    }
    // Another setting is another analysis.
    let third = dir.path().join("3");
    let out = analyze_oracle(&third, &["--end", "3s", "--oracle-seed", "78"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("cached"));
}

#[test]
fn stride_and_range_pick_the_frames() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze_oracle(
        dir.path(),
        &["--stride", "3", "--start", "2s", "--end", "5s"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let result = read_result(&dir.path().join("clip/result.json"));
    let frames: Vec<u64> = result.frames.iter().map(|f| f.frame).collect();
    let expected: Vec<u64> = (50..125).filter(|f| f % 3 == 0).collect();
    assert_eq!(frames, expected);
    for f in &result.frames {
        assert!((f.time - f.frame as f64 / 25.0).abs() < 1e-3);
    }
    // The ball is found at a stride too, and only on analysed frames.
    assert!(result.ball.len() >= 5, "{} ball points", result.ball.len());
    assert!(result.ball.iter().all(|p| expected.contains(&p.frame)));
}

#[test]
fn a_real_video_runs_through_the_person_detector_shared_by_two_jobs() {
    let dir = tempfile::tempdir().unwrap();
    // The same video twice, analysed at once by two jobs sharing one model.
    let again = dir.path().join("again.avi");
    std::fs::copy(common::vtest(), &again).unwrap();
    let out = netball(&[
        OsStr::new("analyze"),
        common::vtest().as_os_str(),
        again.as_os_str(),
        OsStr::new("--jobs"),
        OsStr::new("2"),
        // Identical content would otherwise come from the cache.
        OsStr::new("--no-cache"),
        OsStr::new("-o"),
        dir.path().as_os_str(),
        OsStr::new("--weights"),
        common::best_pt().as_os_str(),
        OsStr::new("--device"),
        OsStr::new("cpu"),
        OsStr::new("--classes"),
        OsStr::new("Normal,Fall"),
        // This fall detector scores standing pedestrians lower than a person detector would.
        OsStr::new("--track-high"),
        OsStr::new("0.4"),
        OsStr::new("--track-new"),
        OsStr::new("0.45"),
        OsStr::new("--end"),
        OsStr::new("2s"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let result = read_result(&dir.path().join("vtest/result.json"));
    assert_eq!(result.frames.len(), 20, "2 s at 10 fps");
    let people = result.tracks.len();
    assert!(
        (3..=40).contains(&people),
        "{people} tracks among the pedestrians"
    );
    assert!(
        result
            .frames
            .iter()
            .filter(|f| !f.tracks.is_empty())
            .count()
            >= 15
    );
    let twin = read_result(&dir.path().join("again/result.json"));
    assert_eq!(
        serde_json::to_value(&twin.frames).unwrap(),
        serde_json::to_value(&result.frames).unwrap(),
        "both jobs found the same"
    );
}

/// Writes the bad inputs of the issue into `dir`.
fn bad_videos(dir: &Path) -> Vec<PathBuf> {
    let good = std::fs::read(&clip().video).unwrap();
    let empty = dir.join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.join("notes.mp4");
    std::fs::write(&text, b"this is not a video\n".repeat(100)).unwrap();
    let truncated = dir.join("truncated.mp4");
    std::fs::write(&truncated, &good[..good.len() / 3]).unwrap();
    let mut list = vec![empty, text, truncated];
    for (name, args) in [
        // A video stream with no frames in it.
        (
            "no-frames.mkv",
            "-f lavfi -i testsrc=size=64x48:rate=25 -frames:v 0 -c:v libx264",
        ),
        // Frame intervals alternating 20 and 60 ms.
        (
            "variable-rate.mkv",
            "-f lavfi -i testsrc=size=64x48:rate=25 -t 2 -vf settb=1/1000,setpts=(N*0.04+mod(N\\,2)*0.02)/TB -fps_mode passthrough -enc_time_base 1:1000 -c:v libx264",
        ),
        // Audio only: nothing to analyse.
        ("audio.mkv", "-f lavfi -i sine=duration=1 -c:a flac"),
        // Motion JPEG, relabelled below as a codec no decoder knows.
        (
            "unknown-codec.avi",
            "-f lavfi -i testsrc=size=64x48:rate=25 -t 1 -c:v mjpeg",
        ),
    ] {
        let path = dir.join(name);
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-y"])
            .args(args.split(' '))
            .arg(&path)
            .status()
            .expect("ffmpeg (installed by scripts/setup.sh) runs");
        assert!(status.success(), "making {name}");
        list.push(path);
    }
    // An AVI names its codec by a four-letter tag (in its stream header and format); one that no
    // FFmpeg decoder claims leaves a readable container with an undecodable stream.
    let unknown = list.last().unwrap();
    let mut bytes = std::fs::read(unknown).unwrap();
    let tags: Vec<usize> = (0..bytes.len().saturating_sub(3))
        .filter(|&i| &bytes[i..i + 4] == b"MJPG")
        .collect();
    assert_eq!(tags.len(), 2, "the AVI names its codec twice");
    for i in tags {
        bytes[i..i + 4].copy_from_slice(b"ZZZZ");
    }
    std::fs::write(unknown, bytes).unwrap();
    list
}

#[test]
fn bad_videos_fail_clearly_and_the_rest_of_the_batch_completes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = bad_videos(dir.path());
    let out_dir = dir.path().join("out");
    let mut args: Vec<&OsStr> = vec![OsStr::new("analyze")];
    args.extend(bad.iter().map(|p| p.as_os_str()));
    args.push(clip().video.as_os_str());
    args.extend([OsStr::new("-o"), out_dir.as_os_str()]);
    for _ in 0..=bad.len() {
        args.extend([OsStr::new("--truth"), clip().truth.as_os_str()]);
    }
    args.extend([
        OsStr::new("--end"),
        OsStr::new("2s"),
        OsStr::new("--jobs"),
        OsStr::new("2"),
    ]);
    let out = netball(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(!stderr.contains("panicked"), "{}", text(&out));
    assert!(
        stderr.contains(&format!("{} of {} videos failed", bad.len(), bad.len() + 1)),
        "{}",
        text(&out)
    );
    for (name, reason) in [
        ("empty.mp4", "not a readable video"),
        ("notes.mp4", "not a readable video"),
        ("truncated.mp4", "not a readable video"),
        ("no-frames.mkv", "not a readable video"),
        ("variable-rate.mkv", "variable frame rate"),
        ("audio.mkv", "has no video stream"),
        ("unknown-codec.avi", "no decoder for its video codec"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.starts_with("error:") && l.contains(name))
            .unwrap_or_else(|| panic!("no error for {name}:\n{}", text(&out)));
        assert!(line.contains(reason), "{name}: {line}");
        let folder = out_dir.join(Path::new(name).file_stem().unwrap());
        assert!(
            !folder.join("result.json").exists(),
            "a failed video leaves no result"
        );
    }
    // The good clip completed.
    let result = read_result(&out_dir.join("clip/result.json"));
    assert_eq!(result.frames.len(), 50);
}

#[test]
fn repeated_frames_are_not_detected_again() {
    // The clip's first 2 s with frames 10-19 frozen on frame 9 (losslessly, so they decode
    // identical), as a paused broadcast would be.
    let dir = tempfile::tempdir().unwrap();
    let frozen = dir.path().join("frozen.mp4");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&clip().video)
        .args([
            "-t",
            "2",
            "-filter_complex",
            "[0:v]split[a][b];[a][b]freezeframes=first=10:last=19:replace=9",
            "-c:v",
            "libx264",
            "-qp",
            "0",
            "-preset",
            "ultrafast",
        ])
        .arg(&frozen)
        .status()
        .expect("ffmpeg (installed by scripts/setup.sh) runs");
    assert!(status.success());
    let out_dir = dir.path().join("out");
    let out = netball(&[
        OsStr::new("analyze"),
        frozen.as_os_str(),
        OsStr::new("-o"),
        out_dir.as_os_str(),
        OsStr::new("--truth"),
        clip().truth.as_os_str(),
        OsStr::new("--no-video"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let result = read_result(&out_dir.join("frozen/result.json"));
    assert_eq!(result.frames.len(), 50);
    assert_eq!(result.metrics.repeated_frames, 10);
    for f in &result.frames[10..20] {
        assert_eq!(
            f.detections, result.frames[9].detections,
            "frame {} reuses frame 9's detections",
            f.frame
        );
    }
    assert_ne!(result.frames[20].detections, result.frames[9].detections);
}

#[test]
fn ctrl_c_stops_the_run_and_leaves_no_partial_result() {
    let dir = tempfile::tempdir().unwrap();
    let c = clip();
    let child = Command::new(env!("CARGO_BIN_EXE_netball"))
        .args([OsStr::new("analyze"), c.video.as_os_str(), OsStr::new("-o")])
        .arg(dir.path())
        .args([
            OsStr::new("--truth"),
            c.truth.as_os_str(),
            OsStr::new("--no-cache"),
        ])
        .env("NETBALL_DATA", data_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The whole clip takes several seconds; interrupt it part way.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(stderr.contains("cancelled"), "{}", text(&out));
    assert!(
        !dir.path().join("clip").exists(),
        "the partial outputs are removed"
    );
}

/// With a calibration (here the simulator's own floor map, written for half the video's size
/// to check the scaling), each track's feet land on the court where the truth says the player
/// stands, and the distance covered adds up to the players'; a calibration of another view is
/// refused.
#[test]
fn a_calibration_puts_the_tracks_on_the_court() {
    use netball_server::simulate::truth::{ObjectClass, Truth};
    let dir = tempfile::tempdir().unwrap();
    let truth: Truth = serde_json::from_slice(&std::fs::read(&clip().truth).unwrap()).unwrap();
    let calibration = simulator_calibration(dir.path());
    let out_dir = dir.path().join("out");
    let args = [
        "--no-video",
        "--no-cache",
        "--calibration",
        calibration.to_str().unwrap(),
    ];
    let out = analyze_oracle(&out_dir, &args);
    assert!(out.status.success(), "{}", text(&out));
    let result = read_result(&out_dir.join("clip/result.json"));
    assert!(result.header.settings.calibration.is_some());
    let mut errors = Vec::new();
    for (frame, truth) in result.frames.iter().zip(&truth.frames) {
        assert_eq!(frame.frame, truth.frame);
        for track in &frame.tracks {
            let court = track.court.expect("every track is on the court");
            let bbox = [track.bbox.x1, track.bbox.y1, track.bbox.x2, track.bbox.y2];
            if let Some(object) = truth.objects.iter().find(|o| iou(o.bbox, bbox) > 0.7) {
                errors.push(court.distance(object.ground));
            }
        }
    }
    errors.sort_by(f32::total_cmp);
    let median = errors[errors.len() / 2];
    eprintln!(
        "{} tracked feet, median {median:.3} m from the truth",
        errors.len()
    );
    // Measured 0.206 m (0.207 m pushed along the line of sight instead of square to the image
    // rows); 0.283 m while the court position was the box's bottom edge itself,
    // which shows the nearest point of the feet rather than where the player stands.
    assert!(
        errors.len() > 5000 && median < 0.25,
        "{} feet, median {median} m",
        errors.len()
    );
    let csv = std::fs::read_to_string(out_dir.join("clip/tracks.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",court_x,court_y"));

    // Distance covered: all tracks together against all people in the truth, over the same
    // frames (robust to which track follows whom). Measured: 643 m against 669 m over the
    // 20 s; before the smoother looked a second ahead and left out leaps between players, the
    // forward filter alone gave 794-868 m, depending on the tracker's version. Not counted:
    // frames where nobody tracks a person, and gaps over a second. On the fifteen 60-120 s 1080p clips
    // of docs/performance.md the tracks come to x0.968 of the paths, and tracks that followed
    // one person to x0.988 of hers. Raw frame-to-frame steps would sum to over 2000 m.
    let tracked: f64 = result
        .tracks
        .iter()
        .filter_map(|t| t.movement.as_ref().map(|m| m.distance_m))
        .sum();
    let mut last = std::collections::HashMap::new();
    let mut walked = 0.0;
    for frame in truth.frames.iter().take(result.frames.len()) {
        for o in frame
            .objects
            .iter()
            .filter(|o| matches!(o.class, ObjectClass::Player | ObjectClass::Umpire))
        {
            if let Some(p) = last.insert(o.id, o.ground) {
                walked += f64::from(o.ground.distance(p));
            }
        }
    }
    eprintln!("distance: tracks {tracked:.1} m, truth {walked:.1} m");
    assert!(
        (tracked - walked).abs() < 0.10 * walked,
        "tracks {tracked} m, truth {walked} m"
    );
    // `netball eval` scores the same, and the tracks that followed one person throughout
    // against her path over their frames (here 7 tracks, 64.1 m against 63.4 m, their heat
    // maps 95% in agreement with where she was).
    let scores = eval_scores(&out_dir.join("clip/result.json"));
    let m = &scores["movement"];
    eprintln!("eval: {m}");
    let v = |k: &str| m[k].as_f64().unwrap();
    assert!((v("tracks_m") - tracked).abs() < 1e-6, "{m:#}");
    assert!((v("truth_m") - walked).abs() < 1e-3 * walked, "{m:#}");
    assert!(v("faithful_tracks") >= 3.0, "{m:#}");
    assert!(
        (v("faithful_m") - v("faithful_truth_m")).abs() < 0.1 * v("faithful_truth_m"),
        "{m:#}"
    );
    assert!(v("heat_right") > 0.8, "{m:#}");
    let players = std::fs::read_to_string(out_dir.join("clip/players.csv")).unwrap();
    assert!(
        players
            .lines()
            .next()
            .unwrap()
            .contains(",distance_m,mean_speed,top_speed,")
    );

    // A calibration of a square frame is another view than this 16:9 video.
    let square = dir.path().join("square.json");
    let half: Value = serde_json::from_slice(&std::fs::read(&calibration).unwrap()).unwrap();
    let other =
        serde_json::json!({ "width": 500, "height": 500, "homography": half["homography"] });
    std::fs::write(&square, other.to_string()).unwrap();
    let out = analyze_oracle(
        &dir.path().join("out2"),
        &[
            "--end",
            "1s",
            "--no-video",
            "--calibration",
            square.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("another view"), "{}", text(&out));
}

fn iou(a: [f32; 4], b: [f32; 4]) -> f32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = w * h;
    inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
}

#[test]
fn roles_set_by_hand_replace_the_read_ones_for_offside() {
    use netball_shared::court::{CourtDimensions, End, Position};
    use netball_shared::rules::{Footing, OffsideSettings, PlayerTrack, Role, Rule, offside};

    let dir = tempfile::tempdir().unwrap();
    let calibration = simulator_calibration(dir.path());
    let cal = calibration.to_str().unwrap();
    let first = dir.path().join("first");
    let args = [
        "--no-video",
        "--no-cache",
        "--calibration",
        cal,
        "--read-roles",
    ];
    let out = analyze_oracle(&first, &args);
    assert!(out.status.success(), "{}", text(&out));
    let result = read_result(&first.join("clip/result.json"));
    let offside_flags = |r: &AnalysisResult| {
        r.flags
            .iter()
            .filter(|f| f.rule == Rule::Offside)
            .cloned()
            .collect::<Vec<_>>()
    };
    // Asked to, without roles set by hand, the roles are read: a track is judged only by the
    // role it shows.
    assert!(result.tracks.iter().any(|t| t.attacking.is_some()));
    for f in offside_flags(&result) {
        let t = result.tracks.iter().find(|t| t.id == f.players[0]).unwrap();
        assert!(t.position.is_some() && t.attacking.is_some(), "{t:?}");
    }

    // The longest track whose player went outside the high goal third, made a GS attacking
    // the high end: wherever she went outside it, she was offside.
    let role = Role {
        position: Position::GS,
        attacking: End::High,
    };
    let mut by_length: Vec<_> = result.tracks.iter().collect();
    by_length.sort_by_key(|t| std::cmp::Reverse(t.frames));
    let (track, want) = by_length
        .iter()
        .find_map(|t| {
            let feet: Vec<Footing> = result
                .frames
                .iter()
                .filter_map(|f| {
                    let on = f.tracks.iter().find(|on| on.id == t.id)?;
                    Some(Footing {
                        frame: f.frame,
                        time: f.time,
                        at: on.court?,
                    })
                })
                .collect();
            let want = offside(
                &CourtDimensions::default(),
                &[PlayerTrack {
                    track: t.id,
                    role,
                    feet: &feet,
                }],
                &OffsideSettings::default(),
            );
            (!want.is_empty()).then_some((t.id, want))
        })
        .expect("some track left the high third");

    let positions = dir.path().join("positions.csv");
    std::fs::write(
        &positions,
        format!("track,position,attacking\n{track},GS,high\n"),
    )
    .unwrap();
    let second = dir.path().join("second");
    let positions_arg = positions.to_str().unwrap();
    let args = [
        "--no-video",
        "--no-cache",
        "--calibration",
        cal,
        "--positions",
        positions_arg,
    ];
    let out = analyze_oracle(&second, &args);
    assert!(out.status.success(), "{}", text(&out));
    let result = read_result(&second.join("clip/result.json"));
    assert_eq!(result.header.settings.roles.get(&track), Some(&role));
    assert_eq!(offside_flags(&result), want);
    // The role set by hand is the one the result shows.
    let judged = result.tracks.iter().find(|t| t.id == track).unwrap();
    assert_eq!(
        (judged.position, judged.attacking),
        (Some(Position::GS), Some(End::High))
    );
    eprintln!(
        "track {track} as GS attacking high: {} offside flags",
        want.len()
    );

    // Roles need the court, and a bad file is named.
    let out = analyze_oracle(&dir.path().join("third"), &["--positions", positions_arg]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--calibration"), "{}", text(&out));
    std::fs::write(&positions, "track,position,attacking\n1,XX,high\n").unwrap();
    let out = analyze_oracle(&dir.path().join("fourth"), &args);
    assert!(!out.status.success());
    assert!(text(&out).contains("line 2"), "{}", text(&out));
}
