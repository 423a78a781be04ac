//! The truth file: a versioned JSON document streamed frame by frame (so a full match's truth
//! never sits in memory), and MOTChallenge `gt.txt` for the tracks. Format:
//! `docs/truth-format.md`.

use std::io::Write;

use anyhow::Result;
use netball_shared::camera::Homography;
use netball_shared::court::{CourtDimensions, CourtPoint, End, Position};
use serde::{Deserialize, Serialize};

use super::ball::ground;
use super::camera_rig::{CameraView, Projection};
use super::events::TruthEvent;
use super::play::Match;
use super::render::Drawn;
use super::team::{Kit, PersonSpec, Team};

pub const FORMAT: &str = "netball-truth";
pub const VERSION: u32 = 1;

/// What an object is. Numbered as in `gt.txt` (class column) and the YOLO dataset (minus one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectClass {
    Player,
    Umpire,
    Ball,
    Ring,
}

impl ObjectClass {
    pub const ALL: [ObjectClass; 4] = [
        ObjectClass::Player,
        ObjectClass::Umpire,
        ObjectClass::Ball,
        ObjectClass::Ring,
    ];

    /// 1-based class number in `gt.txt`.
    pub fn mot_class(self) -> u32 {
        ObjectClass::ALL
            .iter()
            .position(|&c| c == self)
            .expect("listed") as u32
            + 1
    }

    pub fn name(self) -> &'static str {
        match self {
            ObjectClass::Player => "player",
            ObjectClass::Umpire => "umpire",
            ObjectClass::Ball => "ball",
            ObjectClass::Ring => "ring",
        }
    }
}

/// Track ids of the objects that are not people.
pub const BALL_ID: u32 = 100;
pub fn ring_id(end: End) -> u32 {
    match end {
        End::Low => 101,
        End::High => 102,
    }
}

/// Everything fixed for the clip.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub seed: u64,
    pub fps: u32,
    pub width: u32,
    pub height: u32,
    pub view: CameraView,
    pub court: CourtDimensions,
    pub period_seconds: f64,
    pub periods: u8,
    pub kits: Kits,
    pub people: Vec<PersonSpec>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Kits {
    pub home: Kit,
    pub away: Kit,
}

/// One object in one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectTruth {
    pub id: u32,
    pub class: ObjectClass,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub team: Option<Team>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub position: Option<Position>,
    /// Pixels `[x0, y0, x1, y1]`, clipped to the image.
    #[serde(rename = "box")]
    pub bbox: [f32; 4],
    /// Share of the box not covered by nearer objects' boxes (an estimate from boxes).
    pub visibility: f32,
    /// Court point under the object, metres: a person's feet, the ball's or ring's ground point.
    pub ground: CourtPoint,
    /// Height above the floor, metres (the ball's centre, the ring; 0 for people).
    pub height: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraTruth {
    /// Court floor (metres, z = 0) to pixels, for an undistorted lens.
    pub homography: Homography,
    pub projection: Projection,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameTruth {
    pub frame: u64,
    pub time: f64,
    pub period: u8,
    /// The end the home team attacks this period.
    pub home_attacks: End,
    /// Track id of the player holding the ball.
    pub holder: Option<u32>,
    pub camera: CameraTruth,
    pub objects: Vec<ObjectTruth>,
}

/// The whole document, for readers (tests, evaluation) that load it at once.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Truth {
    pub header: Header,
    pub frames: Vec<FrameTruth>,
    pub events: Vec<TruthEvent>,
    pub score: [u32; 2],
}

/// The objects of a frame from what was drawn: boxes clipped to the image, objects wholly
/// outside it left out.
pub fn frame_truth(m: &Match, projection: &Projection, drawn: &[Drawn]) -> FrameTruth {
    let (w, h) = (
        projection.pinhole.width as f32,
        projection.pinhole.height as f32,
    );
    let ball = m.ball_position();
    let mut objects: Vec<(ObjectTruth, [f32; 4], f64)> = Vec::with_capacity(drawn.len());
    for d in drawn {
        let (object, bounds, depth) = match *d {
            Drawn::Person { index, bounds } => {
                let p = &m.people()[index];
                let spec = &p.spec;
                let class = if spec.team().is_some() {
                    ObjectClass::Player
                } else {
                    ObjectClass::Umpire
                };
                let feet = [f64::from(p.mover.pos.x), f64::from(p.mover.pos.y), 0.0];
                (
                    ObjectTruth {
                        id: spec.id,
                        class,
                        team: spec.team(),
                        position: spec.position(),
                        bbox: bounds,
                        visibility: 1.0,
                        ground: p.mover.pos,
                        height: 0.0,
                    },
                    bounds,
                    projection.depth(feet),
                )
            }
            Drawn::Ball { bounds } => (
                ObjectTruth {
                    id: BALL_ID,
                    class: ObjectClass::Ball,
                    team: None,
                    position: None,
                    bbox: bounds,
                    visibility: 1.0,
                    ground: ground(ball),
                    height: ball[2] as f32,
                },
                bounds,
                projection.depth(ball),
            ),
            Drawn::Ring { end, bounds } => {
                let ring = m.ring_centre(end);
                (
                    ObjectTruth {
                        id: ring_id(end),
                        class: ObjectClass::Ring,
                        team: None,
                        position: None,
                        bbox: bounds,
                        visibility: 1.0,
                        ground: ground(ring),
                        height: ring[2] as f32,
                    },
                    bounds,
                    projection.depth(ring),
                )
            }
        };
        let clipped = [
            bounds[0].clamp(0.0, w),
            bounds[1].clamp(0.0, h),
            bounds[2].clamp(0.0, w),
            bounds[3].clamp(0.0, h),
        ];
        if clipped[2] - clipped[0] < 1.0 || clipped[3] - clipped[1] < 1.0 {
            continue;
        }
        objects.push((
            ObjectTruth {
                bbox: clipped,
                ..object
            },
            clipped,
            depth,
        ));
    }
    let boxes: Vec<([f32; 4], f64)> = objects.iter().map(|(_, b, d)| (*b, *d)).collect();
    let objects = objects
        .into_iter()
        .map(|(mut o, b, depth)| {
            let nearer: Vec<[f32; 4]> = boxes
                .iter()
                .filter(|(other, d)| *d < depth && *other != b)
                .map(|(other, _)| *other)
                .collect();
            o.visibility = visible_share(b, &nearer);
            o
        })
        .collect();
    FrameTruth {
        frame: m.frame(),
        time: m.time(),
        period: m.period(),
        home_attacks: m.attacking(Team::Home),
        holder: m.holder(),
        camera: CameraTruth {
            homography: projection.homography(),
            projection: *projection,
        },
        objects,
    }
}

/// Share of `b` not covered by the union of `covers`, measured on an 8×8 grid of sample points.
fn visible_share(b: [f32; 4], covers: &[[f32; 4]]) -> f32 {
    if covers.is_empty() {
        return 1.0;
    }
    let mut seen = 0;
    for i in 0..8 {
        for j in 0..8 {
            let x = b[0] + (b[2] - b[0]) * (i as f32 + 0.5) / 8.0;
            let y = b[1] + (b[3] - b[1]) * (j as f32 + 0.5) / 8.0;
            if !covers
                .iter()
                .any(|c| x >= c[0] && x <= c[2] && y >= c[1] && y <= c[3])
            {
                seen += 1;
            }
        }
    }
    seen as f32 / 64.0
}

/// Streams the truth document and the MOT file.
pub struct TruthWriter<W: Write, G: Write> {
    json: W,
    gt: Option<G>,
    frames: u64,
}

impl<W: Write, G: Write> TruthWriter<W, G> {
    pub fn start(mut json: W, gt: Option<G>, header: &Header) -> Result<Self> {
        json.write_all(b"{\"header\":")?;
        serde_json::to_writer(&mut json, header)?;
        json.write_all(b",\n\"frames\":[\n")?;
        Ok(Self {
            json,
            gt,
            frames: 0,
        })
    }

    pub fn frame(&mut self, frame: &FrameTruth) -> Result<()> {
        if self.frames > 0 {
            self.json.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut self.json, frame)?;
        if let Some(gt) = &mut self.gt {
            for o in &frame.objects {
                let [x0, y0, x1, y1] = o.bbox;
                writeln!(
                    gt,
                    "{},{},{:.2},{:.2},{:.2},{:.2},1,{},{:.3}",
                    frame.frame + 1,
                    o.id,
                    x0,
                    y0,
                    x1 - x0,
                    y1 - y0,
                    o.class.mot_class(),
                    o.visibility
                )?;
            }
        }
        self.frames += 1;
        Ok(())
    }

    /// Writes the events (in time order) and the final score, and closes the document.
    pub fn finish(mut self, mut events: Vec<TruthEvent>, score: [u32; 2]) -> Result<()> {
        events.sort_by_key(|e| e.frame);
        self.json.write_all(b"\n],\n\"events\":")?;
        serde_json::to_writer(&mut self.json, &events)?;
        write!(self.json, ",\n\"score\":[{},{}]}}\n", score[0], score[1])?;
        self.json.flush()?;
        if let Some(gt) = &mut self.gt {
            gt.flush()?;
        }
        Ok(())
    }
}

/// The events of a truth file, read through once without keeping its frames.
pub fn read_events<R: std::io::Read>(reader: R) -> Result<Vec<TruthEvent>> {
    #[derive(Deserialize)]
    struct Events {
        events: Vec<TruthEvent>,
    }
    let doc: Events = serde_json::from_reader(std::io::BufReader::new(reader))
        .map_err(|e| anyhow::anyhow!("reading the truth file's events: {e}"))?;
    Ok(doc.events)
}

/// Reads a truth document frame by frame, so memory stays flat for a full match: `on_header`
/// gets the header (always first in the documents [`TruthWriter`] writes), then `on_frame`
/// each frame in order until it returns `false`. Events and score are skipped.
pub fn read_frames<R: std::io::Read>(
    reader: R,
    on_header: impl FnMut(Header) -> bool,
    on_frame: impl FnMut(FrameTruth) -> bool,
) -> Result<()> {
    use serde::de::{
        DeserializeSeed, Deserializer as _, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
    };

    /// Deliberately stopped by a callback: not an error for the caller.
    const STOPPED: &str = "\u{0}stopped";

    struct Document<H, F> {
        on_header: H,
        on_frame: F,
    }
    struct Frames<'a, F>(&'a mut F);

    impl<'de, F: FnMut(FrameTruth) -> bool> DeserializeSeed<'de> for Frames<'_, F> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de, F: FnMut(FrameTruth) -> bool> Visitor<'de> for Frames<'_, F> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of frames")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(frame) = seq.next_element::<FrameTruth>()? {
                if !(self.0)(frame) {
                    return Err(A::Error::custom(STOPPED));
                }
            }
            Ok(())
        }
    }
    impl<'de, H: FnMut(Header) -> bool, F: FnMut(FrameTruth) -> bool> Visitor<'de> for Document<H, F> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a netball truth document")
        }
        fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "header" => {
                        let header: Header = map.next_value()?;
                        if header.format != FORMAT {
                            return Err(A::Error::custom(format!(
                                "not a truth file (format `{}`)",
                                header.format
                            )));
                        }
                        if header.version != VERSION {
                            return Err(A::Error::custom(format!(
                                "truth version {} is not supported (this build reads {VERSION})",
                                header.version
                            )));
                        }
                        if !(self.on_header)(header) {
                            return Err(A::Error::custom(STOPPED));
                        }
                    }
                    "frames" => map.next_value_seed(Frames(&mut self.on_frame))?,
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(())
        }
    }

    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    match de.deserialize_map(Document {
        on_header,
        on_frame,
    }) {
        Err(e) if e.to_string().starts_with(STOPPED) => Ok(()),
        other => other.map_err(|e| anyhow::anyhow!("reading the truth file: {e}")),
    }
}
