//! What a run writes, streamed as frames arrive so memory does not grow with the video:
//! the result document (`result.json`, format in `docs/result-format.md`), CSV exports and
//! the tracks in MOTChallenge format, the annotated video. What is known only at the end (the
//! ball's path, the players and their teams, the match events, the metrics) is written when
//! the run finishes.
//!
//! The frames' track ids are final only at the end too, once tracklets of one player are
//! joined: frames go to a spool file in the output folder as they arrive, and at the end are
//! copied from it, renamed, into `result.json`, `tracks.csv` and the MOTChallenge file. That
//! costs one more write and read of the frames, on disk rather than in memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use netball_shared::Frame;
use netball_shared::events::EventKind;
use netball_shared::result::{FrameResult, ResultHeader, ResultSummary};
use netball_shared::stats::{MovementSummary, PlayerStats};
use netball_shared::track::{BallPoint, BallSource, Joins, TeamAssignment, TeamLabel};

/// The files of one analysed video, all in one folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputPaths {
    pub dir: PathBuf,
}

impl OutputPaths {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }
    pub fn result(&self) -> PathBuf {
        self.dir.join("result.json")
    }
    pub fn detections(&self) -> PathBuf {
        self.dir.join("detections.csv")
    }
    pub fn tracks(&self) -> PathBuf {
        self.dir.join("tracks.csv")
    }
    /// MOTChallenge: `frame,id,left,top,width,height,score,-1,-1,-1`, frames from 1.
    pub fn mot(&self) -> PathBuf {
        self.dir.join("tracks.mot.txt")
    }
    pub fn players(&self) -> PathBuf {
        self.dir.join("players.csv")
    }
    pub fn ball(&self) -> PathBuf {
        self.dir.join("ball.csv")
    }
    /// The match events, one a row in time order.
    pub fn events(&self) -> PathBuf {
        self.dir.join("events.csv")
    }
    /// Each team's statistics, one a row.
    pub fn teams(&self) -> PathBuf {
        self.dir.join("teams.csv")
    }
    /// The annotated video (not written with `--no-video`).
    pub fn video(&self) -> PathBuf {
        self.dir.join("annotated.mp4")
    }
    /// The frames as they arrive, one JSON document a line, until the run ends.
    fn spool(&self) -> PathBuf {
        self.dir.join(".frames.partial.jsonl")
    }

    /// Every file a run may write.
    pub fn files(&self) -> [PathBuf; 10] {
        [
            self.spool(),
            self.result(),
            self.detections(),
            self.tracks(),
            self.mot(),
            self.players(),
            self.ball(),
            self.events(),
            self.teams(),
            self.video(),
        ]
    }

    /// Removes whatever a failed run left, so no half-written result is mistaken for one.
    pub fn remove_partial(&self) {
        for path in self.files() {
            let _ = std::fs::remove_file(path);
        }
        // The folder too, when nothing else is in it (`remove_dir` refuses otherwise).
        let _ = std::fs::remove_dir(&self.dir);
    }
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    Ok(BufWriter::new(
        File::create(path).with_context(|| format!("creating {}", path.display()))?,
    ))
}

/// What the writing stage gets for each frame: [`Outputs`] take the result, the [`super::video::VideoSink`]
/// the rest.
pub struct Tracked {
    pub result: FrameResult,
    /// The frame as analysed, for the annotated video.
    pub frame: Arc<Frame>,
    /// Ball points finalised with this frame.
    pub ball: Vec<BallPoint>,
    /// The teams as known now, when they were recomputed.
    pub teams: Option<TeamAssignment>,
}

/// Writes every output of one run but the video (see [`super::video::VideoSink`]).
pub struct Outputs {
    paths: OutputPaths,
    json: BufWriter<File>,
    detections: csv::Writer<BufWriter<File>>,
    spool: BufWriter<File>,
    classes: Vec<String>,
}

impl Outputs {
    pub fn start(paths: OutputPaths, header: &ResultHeader) -> Result<Self> {
        std::fs::create_dir_all(&paths.dir)
            .with_context(|| format!("creating {}", paths.dir.display()))?;
        let mut json = create(&paths.result())?;
        json.write_all(b"{\"header\":")?;
        serde_json::to_writer(&mut json, header)?;
        let mut detections = csv::Writer::from_writer(create(&paths.detections())?);
        detections.write_record(["frame", "time", "class", "score", "x1", "y1", "x2", "y2"])?;
        let spool = create(&paths.spool())?;
        Ok(Self {
            paths,
            json,
            detections,
            spool,
            classes: header.detector.classes().to_vec(),
        })
    }

    pub fn frame(&mut self, frame: &FrameResult) -> Result<()> {
        serde_json::to_writer(&mut self.spool, frame)?;
        self.spool.write_all(b"\n")?;
        let (n, t) = (frame.frame.to_string(), format!("{:.3}", frame.time));
        for d in &frame.detections {
            let b = d.bbox;
            self.detections.write_record([
                n.as_str(),
                &t,
                &d.label,
                &format!("{:.3}", d.score),
                &format!("{:.1}", b.x1),
                &format!("{:.1}", b.y1),
                &format!("{:.1}", b.x2),
                &format!("{:.1}", b.y2),
            ])?;
        }
        Ok(())
    }

    /// Copies the spooled frames into `result.json`, `tracks.csv` and the MOTChallenge file,
    /// each track under its player's id (`joins`), and removes the spool.
    fn frames(&mut self, joins: &Joins) -> Result<()> {
        self.spool.flush()?;
        let spool = self.paths.spool();
        let reader = BufReader::new(
            File::open(&spool).with_context(|| format!("reading {}", spool.display()))?,
        );
        let mut tracks = csv::Writer::from_writer(create(&self.paths.tracks())?);
        tracks.write_record([
            "frame", "time", "track", "class", "score", "x1", "y1", "x2", "y2", "court_x",
            "court_y",
        ])?;
        let mut mot = create(&self.paths.mot())?;
        self.json.write_all(b",\n\"frames\":[\n")?;
        for (i, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("reading {}", spool.display()))?;
            let mut frame: FrameResult = serde_json::from_str(&line)
                .with_context(|| format!("reading frame {} of {}", i + 1, spool.display()))?;
            joins.apply(&mut frame.tracks, |t| &mut t.id);
            if i > 0 {
                self.json.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut self.json, &frame)?;
            let (n, t) = (frame.frame.to_string(), format!("{:.3}", frame.time));
            for tr in &frame.tracks {
                let b = tr.bbox;
                let class = self.classes.get(tr.class_id).map_or("", String::as_str);
                let [court_x, court_y] = tr.court.map_or([String::new(), String::new()], |p| {
                    [format!("{:.2}", p.x), format!("{:.2}", p.y)]
                });
                tracks.write_record([
                    n.as_str(),
                    &t,
                    &tr.id.to_string(),
                    class,
                    &format!("{:.3}", tr.score),
                    &format!("{:.1}", b.x1),
                    &format!("{:.1}", b.y1),
                    &format!("{:.1}", b.x2),
                    &format!("{:.1}", b.y2),
                    &court_x,
                    &court_y,
                ])?;
                writeln!(
                    mot,
                    "{},{},{:.2},{:.2},{:.2},{:.2},{:.3},-1,-1,-1",
                    frame.frame + 1,
                    tr.id,
                    b.x1,
                    b.y1,
                    b.width(),
                    b.height(),
                    tr.score
                )?;
            }
        }
        self.json.write_all(b"\n],\n")?;
        tracks.flush()?;
        mot.flush()?;
        std::fs::remove_file(&spool).with_context(|| format!("removing {}", spool.display()))?;
        Ok(())
    }

    /// Writes what is known at the end and closes every file.
    pub fn finish(mut self, summary: &ResultSummary) -> Result<OutputPaths> {
        let joins: Joins = summary
            .tracks
            .iter()
            .flat_map(|t| t.tracklets.iter().map(|&tracklet| (tracklet, t.id)))
            .collect();
        self.frames(&joins)?;
        for (i, (key, value)) in [
            ("ball", serde_json::to_string(&summary.ball)?),
            ("tracks", serde_json::to_string(&summary.tracks)?),
            ("teams", serde_json::to_string(&summary.teams)?),
            ("flags", serde_json::to_string(&summary.flags)?),
            ("events", serde_json::to_string(&summary.events)?),
            ("stats", serde_json::to_string(&summary.stats)?),
            ("metrics", serde_json::to_string(&summary.metrics)?),
        ]
        .into_iter()
        .enumerate()
        {
            let sep = if i == 0 { "" } else { ",\n" };
            write!(self.json, "{sep}\"{key}\":{value}")?;
        }
        self.json.write_all(b"}\n")?;
        self.json.flush()?;
        self.detections.flush()?;

        let mut players = csv::Writer::from_writer(create(&self.paths.players())?);
        players.write_record([
            "track",
            "class",
            "team",
            "first_frame",
            "last_frame",
            "frames",
            "distance_m",
            "mean_speed",
            "top_speed",
            "holds",
            "holding_s",
            "passes",
            "receives",
            "feeds",
            "attempts",
            "goals",
            "intercepts",
            "violations",
        ])?;
        let play: BTreeMap<u32, &PlayerStats> =
            summary.stats.players.iter().map(|p| (p.track, p)).collect();
        for t in &summary.tracks {
            let movement =
                |f: fn(&MovementSummary) -> String| t.movement.as_ref().map_or(String::new(), f);
            let p = play.get(&t.id).copied().cloned().unwrap_or_default();
            players.write_record([
                t.id.to_string().as_str(),
                &t.label,
                team_name(t.team),
                &t.first_frame.to_string(),
                &t.last_frame.to_string(),
                &t.frames.to_string(),
                &movement(|m| format!("{:.1}", m.distance_m)),
                &movement(|m| format!("{:.2}", m.mean_speed)),
                &movement(|m| format!("{:.2}", m.top_speed)),
                &p.holds.to_string(),
                &format!("{:.2}", p.holding_s),
                &p.passes.to_string(),
                &p.receives.to_string(),
                &p.feeds.to_string(),
                &p.attempts.to_string(),
                &p.goals.to_string(),
                &p.intercepts.to_string(),
                &p.violations.to_string(),
            ])?;
        }
        players.flush()?;

        let mut ball = csv::Writer::from_writer(create(&self.paths.ball())?);
        ball.write_record(["frame", "source", "score", "x1", "y1", "x2", "y2"])?;
        for p in &summary.ball {
            let b = p.bbox;
            ball.write_record([
                p.frame.to_string().as_str(),
                match p.source {
                    BallSource::Detected => "detected",
                    BallSource::Interpolated => "interpolated",
                },
                &format!("{:.3}", p.score),
                &format!("{:.1}", b.x1),
                &format!("{:.1}", b.y1),
                &format!("{:.1}", b.x2),
                &format!("{:.1}", b.y2),
            ])?;
        }
        ball.flush()?;

        let mut events = csv::Writer::from_writer(create(&self.paths.events())?);
        events.write_record([
            "time", "frame", "kind", "track", "team", "position", "gained", "until", "feed",
            "receiver", "court_x", "court_y",
        ])?;
        for e in &summary.events {
            let player = e.kind.player();
            let (gained, until, feed) = match &e.kind {
                EventKind::Possession {
                    gained,
                    until,
                    feed,
                    ..
                } => (
                    gained.name(),
                    format!("{until:.2}"),
                    if *feed { "1" } else { "0" },
                ),
                _ => ("", String::new(), ""),
            };
            let receiver = match &e.kind {
                EventKind::Pass {
                    receiver: Some(r), ..
                } => r.track.to_string(),
                _ => String::new(),
            };
            events.write_record([
                format!("{:.2}", e.time).as_str(),
                &e.frame.to_string(),
                e.kind.name(),
                &player.track.to_string(),
                team_name(player.team),
                player.position.map_or("", |p| p.letters()),
                gained,
                &until,
                feed,
                &receiver,
                &e.at.map_or(String::new(), |p| format!("{:.2}", p.x)),
                &e.at.map_or(String::new(), |p| format!("{:.2}", p.y)),
            ])?;
        }
        events.flush()?;

        let mut teams = csv::Writer::from_writer(create(&self.paths.teams())?);
        teams.write_record([
            "team",
            "possessions",
            "possession_s",
            "possession_share",
            "centre_passes",
            "centre_pass_goals",
            "goals_from_gains",
            "attempts",
            "goals",
            "shooting",
            "passes",
            "passes_completed",
            "feeds",
            "intercepts",
            "turnovers",
            "violations",
        ])?;
        for (team, t) in &summary.stats.teams {
            teams.write_record([
                team_name(Some(*team)),
                &t.possessions.to_string(),
                &format!("{:.2}", t.possession_s),
                &format!("{:.3}", t.possession_share),
                &t.centre_passes.to_string(),
                &t.centre_pass_goals.to_string(),
                &t.goals_from_gains.to_string(),
                &t.attempts.to_string(),
                &t.goals.to_string(),
                &t.shooting.map_or(String::new(), |v| format!("{v:.3}")),
                &t.passes.to_string(),
                &t.passes_completed.to_string(),
                &t.feeds.to_string(),
                &t.intercepts.to_string(),
                &t.turnovers.to_string(),
                &t.violations.values().sum::<u32>().to_string(),
            ])?;
        }
        teams.flush()?;
        Ok(self.paths)
    }
}

fn team_name(team: Option<TeamLabel>) -> &'static str {
    match team {
        Some(TeamLabel::A) => "a",
        Some(TeamLabel::B) => "b",
        None => "",
    }
}
