//! `netball calibrate <image|video> [--points points.csv]`: the court homography, from the
//! court's painted lines or from clicked landmarks, with a preview of the court lines it puts
//! on the frame.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use netball_server::annotate;
use netball_server::decode::{self, MediaKind};
use netball_shared::Frame;
use netball_shared::camera::{
    Calibration, Correspondence, FitSettings, Homography, ReprojectionError, calibrate_from_lines,
    fit_homography,
};
use netball_shared::court::{CourtDimensions, CourtPoint, Landmark, markings};
use serde::Serialize;

use super::options::parse_duration;

#[derive(Args)]
pub struct CalibrateArgs {
    /// The frame to calibrate: an image, or a video (its frame at `--at`).
    input: PathBuf,
    /// Clicked points instead of the automatic search: CSV with the header `landmark,u,v` (names such as `low-near-corner`,
    /// `high-far-third`, `low-near-circle`, `high-circle-top`; `near` is the side line nearer
    /// the camera, or behind a goal the one on the right) or `x,y,u,v` (court metres). Pixels
    /// are the frame's, origin top left.
    #[arg(long)]
    points: Option<PathBuf>,
    /// For a video: the time of the frame (e.g. `1m30s`) [default: the first frame].
    #[arg(long, value_parser = parse_duration)]
    at: Option<f64>,
    /// Where to write the calibration [default: <input>.calibration.json beside the input].
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Where to draw the court lines the calibration projects onto the frame
    /// [default: <input>.calibration.png beside the input].
    #[arg(long)]
    preview: Option<PathBuf>,
    /// Points farther than this from the fit (pixels) are taken for mis-clicks and left out.
    #[arg(long, default_value_t = FitSettings::default().inlier_px)]
    inlier_px: f64,
}

/// One clicked point and how well the calibration agrees with it.
#[derive(Serialize)]
struct Point {
    #[serde(skip_serializing_if = "Option::is_none")]
    landmark: Option<String>,
    court: CourtPoint,
    pixel: [f64; 2],
    /// Metres between the court point and the pixel mapped back onto the court.
    error_m: Option<f64>,
    inlier: bool,
}

/// What `netball calibrate` writes.
#[derive(Serialize)]
struct CalibrationFile {
    format: &'static str,
    version: u32,
    width: u32,
    height: u32,
    homography: Homography,
    #[serde(flatten)]
    method: Method,
}

/// How the homography was found, with the measures of its quality.
#[derive(Serialize)]
#[serde(tag = "method", rename_all = "lowercase")]
enum Method {
    /// From clicked points: which were used, the reprojection error, each point's error.
    Manual {
        inliers: Vec<usize>,
        error: ReprojectionError,
        points: Vec<Point>,
    },
    /// From the painted lines: the mean distance (pixels) of the projected lines to line
    /// pixels, and the share of the court's lines in view.
    Lines { fit_px: f64, visible: f64 },
}

pub fn run(args: CalibrateArgs) -> Result<()> {
    let frame = read_frame(&args.input, args.at)?;
    let court = CourtDimensions::default();
    let (homography, method) = match &args.points {
        Some(points) => manual(points, &court, args.inlier_px)?,
        None => {
            let found = calibrate_from_lines(&frame, &court).with_context(|| {
                format!(
                    "{}: the court was not found from its lines; click landmarks and pass \
                     them with --points",
                    args.input.display()
                )
            })?;
            println!(
                "found from the lines: {:.2} px from line pixels on average, {:.0}% of the \
                 court's lines in view",
                found.fit_px,
                100.0 * found.visible
            );
            (
                found.homography,
                Method::Lines {
                    fit_px: found.fit_px,
                    visible: found.visible,
                },
            )
        }
    };
    let out = args
        .out
        .unwrap_or_else(|| super::beside(&args.input, "calibration.json"));
    let preview = args
        .preview
        .unwrap_or_else(|| super::beside(&args.input, "calibration.png"));
    let clicked = match &method {
        Method::Manual { points, .. } => points.as_slice(),
        Method::Lines { .. } => &[],
    };
    draw_preview(&frame, &homography, &court, clicked)
        .save(&preview)
        .with_context(|| format!("writing {}", preview.display()))?;
    let file = CalibrationFile {
        format: "netball-calibration",
        version: 1,
        width: frame.width(),
        height: frame.height(),
        homography,
        method,
    };
    std::fs::write(&out, serde_json::to_vec_pretty(&file)?)
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {} and {}", out.display(), preview.display());
    Ok(())
}

/// The fit to clicked points, printing each point's error.
fn manual(path: &Path, court: &CourtDimensions, inlier_px: f64) -> Result<(Homography, Method)> {
    let clicked =
        read_points(path, court).with_context(|| format!("reading {}", path.display()))?;
    let correspondences: Vec<Correspondence> = clicked.iter().map(|(_, c)| *c).collect();
    let settings = FitSettings {
        inlier_px,
        ..FitSettings::default()
    };
    let Calibration {
        homography,
        inliers,
        error,
    } = fit_homography(&correspondences, &settings)
        .with_context(|| format!("calibrating from {}", path.display()))?;
    let points: Vec<Point> = clicked
        .iter()
        .enumerate()
        .map(|(i, (landmark, c))| Point {
            landmark: landmark.map(|l| l.to_string()),
            court: c.court,
            pixel: c.pixel,
            error_m: homography
                .image_to_court(c.pixel)
                .map(|p| f64::from(p.distance(c.court))),
            inlier: inliers.contains(&i),
        })
        .collect();
    for p in &points {
        let name = p
            .landmark
            .clone()
            .unwrap_or_else(|| format!("({:.2}, {:.2})", p.court.x, p.court.y));
        let e = p
            .error_m
            .map_or("off the floor".into(), |e| format!("{e:.3} m"));
        let note = if p.inlier { "" } else { "  (left out)" };
        println!("{name:>20}  {e}{note}");
    }
    println!(
        "{} of {} points used; median {:.3} m, max {:.3} m, RMS {:.2} px",
        inliers.len(),
        points.len(),
        error.median_m,
        error.max_m,
        error.rms_px
    );
    Ok((
        homography,
        Method::Manual {
            inliers,
            error,
            points,
        },
    ))
}

fn read_frame(input: &Path, at: Option<f64>) -> Result<Frame> {
    let kind = decode::media_kind(input).with_context(|| format!("opening {}", input.display()))?;
    match kind {
        MediaKind::Image => decode::image::read(input),
        #[cfg(feature = "video")]
        MediaKind::Video => {
            use netball_server::decode::video::{DecodeOptions, VideoFrames};
            let options = DecodeOptions {
                start: at,
                ..DecodeOptions::default()
            };
            let mut frames = VideoFrames::open_with(input, options)?;
            match frames.next() {
                Some(frame) => Ok(frame?.frame),
                None => bail!("{}: no frame at {} s", input.display(), at.unwrap_or(0.0)),
            }
        }
        #[cfg(not(feature = "video"))]
        MediaKind::Video => bail!(
            "{}: this build reads images only (video needs the `video` feature), not a frame at {:?} s",
            input.display(),
            at
        ),
    }
}

/// The clicked points, with their landmark when named.
fn read_points(
    path: &Path,
    court: &CourtDimensions,
) -> Result<Vec<(Option<Landmark>, Correspondence)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)?;
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let named = match header.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["landmark", "u", "v"] => true,
        ["x", "y", "u", "v"] => false,
        _ => bail!(
            "the header must be `landmark,u,v` or `x,y,u,v`, not `{}`",
            header.join(",")
        ),
    };
    let mut points = Vec::new();
    for record in reader.records() {
        let record = record?;
        let line = record.position().map_or(0, |p| p.line());
        let number = |i: usize| -> Result<f64> {
            let field = record.get(i).unwrap_or_default();
            field
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .with_context(|| format!("line {line}: `{field}` is not a number"))
        };
        let (landmark, court_point, u, v) = if named {
            let landmark: Landmark = record
                .get(0)
                .unwrap_or_default()
                .parse()
                .with_context(|| format!("line {line}"))?;
            (
                Some(landmark),
                landmark.point(court),
                number(1)?,
                number(2)?,
            )
        } else {
            let p = CourtPoint::new(number(0)? as f32, number(1)? as f32);
            (None, p, number(2)?, number(3)?)
        };
        points.push((
            landmark,
            Correspondence {
                court: court_point,
                pixel: [u, v],
            },
        ));
    }
    Ok(points)
}

/// The frame with the court's markings drawn where the calibration puts them (yellow), and
/// each clicked point (green if used, red if left out).
fn draw_preview(
    frame: &Frame,
    homography: &Homography,
    court: &CourtDimensions,
    points: &[Point],
) -> image::RgbImage {
    let mut img = annotate::draw(frame, &[]);
    let t = annotate::thickness(frame.width(), frame.height()) / 2;
    for line in markings(court) {
        for pair in line.windows(2) {
            let (Some(a), Some(b)) = (
                homography.court_to_image(pair[0]),
                homography.court_to_image(pair[1]),
            ) else {
                continue;
            };
            // A dot every pixel along the projected segment.
            let steps = (b[0] - a[0]).hypot(b[1] - a[1]).ceil().clamp(1.0, 10_000.0) as usize;
            for k in 0..=steps {
                let f = k as f64 / steps as f64;
                let (x, y) = (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f);
                annotate::dot(&mut img, (x as f32, y as f32), t, [255, 220, 0]);
            }
        }
    }
    for p in points {
        let colour = if p.inlier {
            [40, 220, 60]
        } else {
            [230, 40, 40]
        };
        annotate::dot(
            &mut img,
            (p.pixel[0] as f32, p.pixel[1] as f32),
            2 * t + 2,
            colour,
        );
    }
    img
}
