//! `netball eval --truth truth.json --result result.json`: scores an analysis against the
//! simulator's truth: detection AP, tracking HOTA, IDF1, MOTA and ID switches, the
//! positions read from bibs, the match events, and (with a calibration) distance covered, top
//! speeds and heat maps.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use netball_server::eval::{
    self, EventClass, FrameObjects, KindScores, MovementFrame, MovementScores, PositionScores,
    ReportedMovement, ScoredEvent, Sequence, TrackingScores,
    positions::{Labelled, greedy_pairs},
};
use netball_server::simulate::events::{EventKind as TruthKind, Gain, TruthEvent, ViolationKind};
use netball_server::simulate::truth::{self, ObjectClass};
use netball_shared::ObjectKind;
use netball_shared::events::{Event, EventKind};
use netball_shared::result::AnalysisResult;
use netball_shared::rules::Rule;
use serde::Serialize;

#[derive(Args)]
pub struct EvalArgs {
    /// The simulator's truth file for the analysed video.
    #[arg(long)]
    truth: PathBuf,
    /// The analysis' result.json.
    #[arg(long)]
    result: PathBuf,
    /// Print the scores as JSON.
    #[arg(long)]
    json: bool,
}

/// Everything `netball eval` reports.
#[derive(Debug, Serialize)]
struct Report {
    frames: usize,
    /// People detection AP at IoU 0.5, and averaged over IoU 0.5:0.95.
    ap50: f64,
    ap50_95: f64,
    tracking: TrackingScores,
    positions: PositionScores,
    /// Per kind of event, matched within [`EVENT_TOLERANCE_S`].
    events: BTreeMap<EventClass, KindScores>,
    /// Distance and top speeds, when the analysis was calibrated.
    #[serde(skip_serializing_if = "Option::is_none")]
    movement: Option<MovementScores>,
}

/// How far apart in time a found event (or flag) and the truth's may be and still be one.
const EVENT_TOLERANCE_S: f64 = 0.5;

/// `[x1, y1, x2, y2]` to MOTChallenge's `[left, top, width, height]`.
fn ltwh([x1, y1, x2, y2]: [f32; 4]) -> [f64; 4] {
    [
        f64::from(x1),
        f64::from(y1),
        f64::from(x2 - x1),
        f64::from(y2 - y1),
    ]
}

pub fn run(args: EvalArgs) -> Result<()> {
    let bytes = std::fs::read(&args.result)
        .with_context(|| format!("reading {}", args.result.display()))?;
    let result = AnalysisResult::from_json(&bytes)
        .with_context(|| format!("reading {}", args.result.display()))?;
    drop(bytes);
    // Frame number -> position among the analysed frames (a stride or a range leaves gaps).
    let analysed: BTreeMap<u64, usize> = result
        .frames
        .iter()
        .enumerate()
        .map(|(i, f)| (f.frame, i))
        .collect();
    if analysed.is_empty() {
        bail!("{} has no analysed frames", args.result.display());
    }

    let n = analysed.len();
    let mut gt = Sequence {
        frames: vec![FrameObjects::default(); n],
    };
    let mut gt_boxes: Vec<Vec<[f64; 4]>> = vec![Vec::new(); n];
    let mut gt_positions: Vec<Vec<Labelled>> = vec![Vec::new(); n];
    let mut moving: Vec<MovementFrame> = result
        .frames
        .iter()
        .map(|f| MovementFrame {
            time: f.time,
            people: Vec::new(),
            tracks: Vec::new(),
        })
        .collect();
    let mut size = None;
    let mut fps = 25;
    truth::read_frames(
        std::fs::File::open(&args.truth)
            .with_context(|| format!("opening {}", args.truth.display()))?,
        |header| {
            size = Some((header.width, header.height));
            fps = header.fps;
            true
        },
        |frame| {
            if let Some(&i) = analysed.get(&frame.frame) {
                for o in &frame.objects {
                    if matches!(o.class, ObjectClass::Player | ObjectClass::Umpire) {
                        gt.frames[i].ids.push(u64::from(o.id));
                        gt.frames[i].boxes.push(ltwh(o.bbox));
                        gt_boxes[i].push(ltwh(o.bbox));
                        gt_positions[i].push((u64::from(o.id), ltwh(o.bbox), o.position));
                        moving[i]
                            .people
                            .push((u64::from(o.id), ltwh(o.bbox), o.ground));
                    }
                }
            }
            true
        },
    )?;
    let Some((w, h)) = size else {
        bail!("{} has no header", args.truth.display());
    };
    let video = &result.header.video;
    if (video.width, video.height) != (w, h) {
        bail!(
            "the result is for a {}x{} video, the truth for {w}x{h}: not the same clip",
            video.width,
            video.height
        );
    }

    let classes = result.header.detector.classes();
    let is_person = |class_id: usize| {
        classes
            .get(class_id)
            .is_some_and(|c| ObjectKind::from_label(c) == ObjectKind::Person)
    };
    let mut pred = Sequence {
        frames: vec![FrameObjects::default(); n],
    };
    let mut dets: Vec<Vec<([f64; 4], f32)>> = vec![Vec::new(); n];
    let mut read: Vec<Vec<Labelled>> = vec![Vec::new(); n];
    for (i, f) in result.frames.iter().enumerate() {
        for t in f.tracks.iter().filter(|t| is_person(t.class_id)) {
            let b = t.bbox;
            pred.frames[i].ids.push(u64::from(t.id));
            pred.frames[i].boxes.push(ltwh([b.x1, b.y1, b.x2, b.y2]));
            read[i].push((u64::from(t.id), ltwh([b.x1, b.y1, b.x2, b.y2]), t.position));
            moving[i]
                .tracks
                .push((u64::from(t.id), ltwh([b.x1, b.y1, b.x2, b.y2])));
        }
        for d in f.detections.iter().filter(|d| is_person(d.class_id)) {
            let b = d.bbox;
            dets[i].push((ltwh([b.x1, b.y1, b.x2, b.y2]), d.score));
        }
    }

    let summary_positions: BTreeMap<u64, _> = result
        .tracks
        .iter()
        .filter_map(|t| t.position.map(|p| (u64::from(t.id), p)))
        .collect();
    let truth_events = truth::read_events(
        std::fs::File::open(&args.truth)
            .with_context(|| format!("opening {}", args.truth.display()))?,
    )?;
    let (first, last) = (result.frames[0].frame, result.frames[n - 1].frame);
    let truth_events: Vec<ScoredEvent> = truth_events
        .iter()
        .filter(|e| (first..=last).contains(&e.frame))
        .flat_map(|e| truth_scored(e, f64::from(fps)))
        .collect();
    let found_events: Vec<ScoredEvent> = result
        .events
        .iter()
        .flat_map(found_scored)
        .chain(result.flags.iter().filter_map(|f| {
            let track = *f.players.first()?;
            let last = f.evidence.last().map_or(f.frame, |e| e.frame);
            Some(ScoredEvent {
                until: Some(last.max(f.frame + (f.duration * f64::from(fps)).round() as u64)),
                ..ScoredEvent::new(EventClass::Rule(f.rule), f.frame, track)
            })
        }))
        .collect();
    // Which truth person each event's track was on, in the event's frame.
    let event_frames: BTreeSet<u64> = found_events.iter().map(|e| e.frame).collect();
    let mut on: BTreeMap<(u64, u32), u32> = BTreeMap::new();
    for frame in event_frames {
        if let Some(&i) = analysed.get(&frame) {
            for (p, t) in greedy_pairs(&gt_positions[i], &read[i]) {
                on.insert((frame, read[i][t].0 as u32), gt_positions[i][p].0 as u32);
            }
        }
    }
    let tolerance = (EVENT_TOLERANCE_S * f64::from(fps)).round() as u64;
    let events = eval::event_scores(&truth_events, &found_events, tolerance, |frame, track| {
        on.get(&(frame, track)).copied()
    });

    let reported: BTreeMap<u64, ReportedMovement> = result
        .tracks
        .iter()
        .filter_map(|t| {
            t.movement.as_ref().map(|m| {
                let totals = ReportedMovement {
                    distance_m: m.distance_m,
                    top_speed: m.top_speed,
                    heat: m.heat.clone(),
                };
                (u64::from(t.id), totals)
            })
        })
        .collect();
    let movement = (!reported.is_empty()).then(|| eval::movement_scores(&moving, &reported));

    let report = Report {
        frames: n,
        ap50: eval::ap50(&gt_boxes, &dets),
        ap50_95: eval::ap50_95(&gt_boxes, &dets),
        tracking: eval::evaluate(&gt, &pred),
        positions: eval::position_scores(&gt_positions, &read, &summary_positions),
        events,
        movement,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(())
}

/// A truth event as scored, if it is of a kind the analysis finds (a feed is also a
/// possession).
fn truth_scored(e: &TruthEvent, fps: f64) -> Vec<ScoredEvent> {
    let (class, player) = match e.kind {
        TruthKind::Possession { player, .. } => (EventClass::Possession, player),
        TruthKind::Pass { player, .. } => (EventClass::Pass, player),
        TruthKind::Shot { player, .. } => (EventClass::Shot, player),
        TruthKind::Goal { player, .. } => (EventClass::Goal, player),
        TruthKind::Miss { player, .. } => (EventClass::Miss, player),
        TruthKind::Violation {
            violation,
            player,
            end,
            ..
        } => {
            let class = EventClass::Rule(match violation {
                ViolationKind::Offside => Rule::Offside,
                ViolationKind::ThreeSeconds => Rule::ThreeSeconds,
                ViolationKind::OverAThird => Rule::OverAThird,
                ViolationKind::Obstruction => Rule::Obstruction,
                ViolationKind::Breaking => Rule::Breaking,
            });
            let until = e.frame.max((end * fps).round() as u64);
            return vec![ScoredEvent {
                until: Some(until),
                ..ScoredEvent::new(class, e.frame, player)
            }];
        }
        TruthKind::OutOfCourt { player, .. } => {
            // No last toucher: no track is ever that person.
            (
                EventClass::Rule(Rule::OutOfCourt),
                player.unwrap_or(u32::MAX),
            )
        }
        _ => return Vec::new(),
    };
    let mut scored = vec![ScoredEvent {
        whistled: matches!(
            e.kind,
            TruthKind::Possession {
                gained: Gain::CentrePass | Gain::ThrowIn | Gain::FreePass,
                ..
            }
        ),
        ..ScoredEvent::new(class, e.frame, player)
    }];
    if let TruthKind::Possession { feed: true, .. } = e.kind {
        scored.push(ScoredEvent::new(EventClass::Feed, e.frame, player));
    }
    scored
}

/// A found event as scored (a feed is also a possession).
fn found_scored(e: &Event) -> Vec<ScoredEvent> {
    let class = match e.kind {
        EventKind::Possession { .. } => EventClass::Possession,
        EventKind::Pass { .. } => EventClass::Pass,
        EventKind::Shot { .. } => EventClass::Shot,
        EventKind::Goal { .. } => EventClass::Goal,
        EventKind::Miss { .. } => EventClass::Miss,
    };
    let track = e.kind.player().track;
    match e.kind {
        EventKind::Possession {
            until_frame, feed, ..
        } => {
            let mut scored = vec![ScoredEvent {
                until: Some(until_frame),
                ..ScoredEvent::new(class, e.frame, track)
            }];
            if feed {
                scored.push(ScoredEvent::new(EventClass::Feed, e.frame, track));
            }
            scored
        }
        _ => vec![ScoredEvent::new(class, e.frame, track)],
    }
}

fn print_report(r: &Report) {
    let t = &r.tracking;
    let pct = |v: f64| format!("{:.1}", v * 100.0);
    println!("frames      {}", r.frames);
    println!(
        "detection   AP50 {}  AP50:95 {}",
        pct(r.ap50),
        pct(r.ap50_95)
    );
    println!(
        "HOTA        {}  (DetA {}, AssA {}, LocA {})",
        pct(t.hota),
        pct(t.deta),
        pct(t.assa),
        pct(t.loca)
    );
    println!(
        "IDF1        {}  (IDP {}, IDR {})",
        pct(t.idf1),
        pct(t.idp),
        pct(t.idr)
    );
    println!(
        "MOTA        {}  (MOTP {}, FP {}, FN {}, ID switches {}, fragmentations {})",
        pct(t.mota),
        pct(t.motp),
        t.false_positives,
        t.false_negatives,
        t.id_switches,
        t.fragmentations
    );
    println!(
        "tracks      {} true, {} found; mostly tracked {}, partly {}, mostly lost {}",
        t.gt_ids, t.pred_ids, t.mostly_tracked, t.partially_tracked, t.mostly_lost
    );
    let p = &r.positions;
    let share = |a: usize, b: usize| pct(a as f64 / b.max(1) as f64);
    println!(
        "positions   per box: {}% of tracked players carry one, {}% of those right; per track: {} of {} player tracks name one, {} right",
        share(p.boxes_with_position, p.matched_boxes),
        share(p.boxes_right, p.boxes_with_position),
        p.tracks_with_position,
        p.player_tracks,
        p.tracks_right
    );
    for (class, k) in &r.events {
        println!(
            "{:<11} {} true, {} found, {} matched: precision {}, recall {}, F1 {}; right player {} of {}",
            class.name(),
            k.truth,
            k.found,
            k.matched,
            pct(k.precision()),
            pct(k.recall()),
            pct(k.f1()),
            k.right_player,
            k.matched
        );
    }
    if let Some(m) = &r.movement {
        println!(
            "distance    tracks {:.0} m, truth {:.0} m (x{:.3}); {} tracks that followed one person: {:.0} m against her {:.0} m (x{:.3})",
            m.tracks_m,
            m.truth_m,
            m.tracks_m / m.truth_m.max(f64::MIN_POSITIVE),
            m.faithful_tracks,
            m.faithful_m,
            m.faithful_truth_m,
            m.faithful_m / m.faithful_truth_m.max(f64::MIN_POSITIVE)
        );
        println!(
            "top speed   {} of those tracks: off by {:+.2} m/s on average, {:.2} m/s in size",
            m.speed_tracks, m.top_speed_bias, m.top_speed_error
        );
        println!(
            "heat maps   {}% of those people's tracked time in the right 1 m cell",
            pct(m.heat_right)
        );
    }
}
