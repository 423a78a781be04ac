use proptest::prelude::*;

use super::*;
use crate::camera::PinholeCamera;
use crate::court::CourtDimensions;

impl SplitMix64 {
    /// Uniform in `lo..hi`, for the tests' click noise and random points.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// A low side-line camera, as from the bench: it sees the middle of the court and the far
/// side, not the near corners.
fn sideline() -> PinholeCamera {
    PinholeCamera::looking_at([15.25, -8.0, 6.0], [15.25, 7.6, 0.0], 60.0, 1920, 1080).unwrap()
}

/// Behind the low goal, 5 m up, looking down the court.
fn behind_goal() -> PinholeCamera {
    PinholeCamera::looking_at([-6.0, 7.625, 5.0], [10.0, 7.625, 0.0], 60.0, 1920, 1080).unwrap()
}

/// A broadcast position in the stand that sees the whole court from the side.
fn stand() -> PinholeCamera {
    PinholeCamera::looking_at([15.25, -18.0, 9.0], [15.25, 7.625, 0.0], 55.0, 1920, 1080).unwrap()
}

/// Raised behind the low goal, far enough back to see the whole court down its length.
fn end_stand() -> PinholeCamera {
    PinholeCamera::looking_at([-10.0, 7.625, 8.0], [13.0, 7.625, 0.0], 60.0, 1920, 1080).unwrap()
}

/// Twenty points a person can click on the markings: the corners, the transverse lines' ends,
/// where each goal circle meets its goal line and its top, the goal lines' midpoints and the
/// centre circle's four extreme points.
fn landmarks() -> Vec<CourtPoint> {
    let d = CourtDimensions::default();
    let (l, w, r, c) = (
        d.length,
        d.width,
        d.goal_circle_radius,
        d.centre_circle_radius,
    );
    let [t1, t2] = d.transverse_lines();
    let (mid, half) = (w / 2.0, l / 2.0);
    [
        (0.0, 0.0),
        (0.0, w),
        (l, 0.0),
        (l, w),
        (t1, 0.0),
        (t1, w),
        (t2, 0.0),
        (t2, w),
        (0.0, mid - r),
        (0.0, mid + r),
        (l, mid - r),
        (l, mid + r),
        (r, mid),
        (l - r, mid),
        (0.0, mid),
        (l, mid),
        (half - c, mid),
        (half + c, mid),
        (half, mid - c),
        (half, mid + c),
    ]
    .map(|(x, y)| CourtPoint::new(x, y))
    .to_vec()
}

/// The exact correspondence a camera gives for a court point in its image.
fn observe(cam: &PinholeCamera, p: CourtPoint) -> Option<Correspondence> {
    let pixel = cam.project_floor(p).filter(|&px| cam.in_image(px))?;
    Some(Correspondence { court: p, pixel })
}

fn observe_all(cam: &PinholeCamera, points: &[CourtPoint]) -> Vec<Correspondence> {
    let seen: Vec<_> = points.iter().filter_map(|&p| observe(cam, p)).collect();
    assert_eq!(
        seen.len(),
        points.len(),
        "all points should be in the image"
    );
    seen
}

fn matrix(h: &Homography) -> Matrix3<f64> {
    Matrix3::from_fn(|r, c| h.0[r][c])
}

/// Image to court in f64 (`Homography::image_to_court` rounds to `f32`).
fn to_court(h: &Homography, pixel: [f64; 2]) -> [f64; 2] {
    project(&matrix(&h.inverse().unwrap()), pixel).unwrap()
}

fn court_distance(a: [f64; 2], p: CourtPoint) -> f64 {
    (a[0] - f64::from(p.x)).hypot(a[1] - f64::from(p.y))
}

fn pixel_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Largest disagreement between `fitted` and the camera over the court points the camera sees:
/// (pixels court to image, metres image to court).
fn disagreement(fitted: &Homography, cam: &PinholeCamera, points: &[CourtPoint]) -> (f64, f64) {
    let mut worst = (0.0f64, 0.0f64);
    for &p in points {
        let Some(truth) = observe(cam, p) else {
            continue;
        };
        // `court_to_image` also checks the sign convention: it refuses w <= 0.
        let pixel = fitted.court_to_image(p).expect("in front of the camera");
        worst.0 = worst.0.max(pixel_distance(pixel, truth.pixel));
        worst.1 = worst
            .1
            .max(court_distance(to_court(fitted, truth.pixel), p));
    }
    worst
}

/// A 31 x 16 grid over the whole court, for checking a fit away from its own points.
fn court_grid() -> Vec<CourtPoint> {
    let d = CourtDimensions::default();
    (0..=30)
        .flat_map(|i| (0..=15).map(move |j| (i, j)))
        .map(|(i, j)| CourtPoint::new(d.length * i as f32 / 30.0, d.width * j as f32 / 15.0))
        .collect()
}

/// Points greedily chosen from `points` so that no three are collinear on the court.
fn general_position(points: &[Correspondence], count: usize) -> Vec<Correspondence> {
    let mut chosen: Vec<Correspondence> = Vec::new();
    for &c in points {
        let makes_line = chosen.iter().enumerate().any(|(i, a)| {
            chosen[i + 1..]
                .iter()
                .any(|b| collinear([court_xy(a), court_xy(b), court_xy(&c)]))
        });
        if !makes_line && chosen.len() < count {
            chosen.push(c);
        }
    }
    assert_eq!(chosen.len(), count);
    chosen
}

/// Hartley normalisation: centroid to the origin, mean distance √2, and the matrices agree
/// with the map and with each other.
#[test]
fn normalisation_centres_and_scales() {
    let pixels = [
        [100.0, 900.0],
        [1800.0, 880.0],
        [1500.0, 300.0],
        [420.0, 310.0],
        [960.0, 540.0],
    ];
    let t = Normaliser::of(&pixels).unwrap();
    let moved = pixels.map(|p| t.apply(p));
    let centroid = [0, 1].map(|k| moved.iter().map(|p| p[k]).sum::<f64>() / 5.0);
    let mean = moved.iter().map(|p| p[0].hypot(p[1])).sum::<f64>() / 5.0;
    assert!(
        centroid[0].abs() < 1e-12 && centroid[1].abs() < 1e-12,
        "{centroid:?}"
    );
    assert!((mean - std::f64::consts::SQRT_2).abs() < 1e-12, "{mean}");
    let m = t.matrix();
    let [x, y] = moved[1];
    assert!(
        (m * nalgebra::Vector3::new(1800.0, 880.0, 1.0) - nalgebra::Vector3::new(x, y, 1.0)).amax()
            < 1e-12
    );
    assert!((t.inverse_matrix() * m - Matrix3::identity()).amax() < 1e-12);
    assert!(Normaliser::of(&[[5.0, 5.0]; 4]).is_none());
}

/// Exact correspondences, 4 (no RANSAC) and 8 (RANSAC, with collinear triples among them),
/// from both the low side-line view and the behind-goal view: the fit is the camera's floor
/// homography, to 1e-6 px and 1e-6 m over every court point in the image, with zero error.
#[test]
fn recovers_the_camera_from_exact_points() {
    for (name, cam) in [("side line", sideline()), ("behind goal", behind_goal())] {
        let visible: Vec<_> = landmarks()
            .into_iter()
            .filter_map(|p| observe(&cam, p))
            .collect();
        assert!(visible.len() >= 8, "{name}: {} visible", visible.len());
        for points in [general_position(&visible, 4), visible[..8].to_vec()] {
            let fit = fit_homography(&points, &FitSettings::default()).unwrap();
            assert_eq!(fit.inliers, (0..points.len()).collect::<Vec<_>>());
            let grid = court_grid();
            let seen = grid.iter().filter(|&&p| observe(&cam, p).is_some()).count();
            assert!(
                seen > 100,
                "{name}: the grid should fill the image, {seen} seen"
            );
            let (px, m) = disagreement(&fit.homography, &cam, &grid);
            assert!(
                px < 1e-6 && m < 1e-6,
                "{name}, {} points: {px} px, {m} m",
                points.len()
            );
            assert!(
                fit.error.max_m < 1e-9 && fit.error.rms_px < 1e-9,
                "{:?}",
                fit.error
            );
            // The floor homography up to a positive scale.
            let truth = matrix(&cam.floor_homography());
            let truth = truth / truth.norm();
            let fitted = matrix(&fit.homography);
            assert!((fitted - truth).amax() < 1e-9, "{fitted} vs {truth}");
        }
    }
}

/// The landmarks as clicked: each pixel off by up to `noise_px` in x and y.
fn clicked(cam: &PinholeCamera, noise_px: f64, rng: &mut SplitMix64) -> Vec<Correspondence> {
    let mut points = observe_all(cam, &landmarks());
    for c in &mut points {
        for v in &mut c.pixel {
            *v += rng.between(-noise_px, noise_px);
        }
    }
    points
}

/// 20 landmarks clicked within ±0.5 px at 1080p, from the side and from behind a goal, ten
/// noise draws each: every point is kept, the median reprojection error is under 0.05 m (the
/// calibration target), and the fit agrees with the true camera to within 0.1 m everywhere
/// on the court.
#[test]
fn twenty_landmarks_with_half_pixel_noise() {
    for (name, cam) in [("side line", stand()), ("behind goal", end_stand())] {
        let (mut median, mut max, mut rms, mut truth) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for seed in 1..=10 {
            let points = clicked(&cam, 0.5, &mut SplitMix64(seed));
            let fit = fit_homography(&points, &FitSettings::default()).unwrap();
            assert_eq!(
                fit.inliers,
                (0..20).collect::<Vec<_>>(),
                "{name}, seed {seed}"
            );
            assert!(
                fit.error.median_m < 0.05,
                "{name}, seed {seed}: {:?}",
                fit.error
            );
            median = median.max(fit.error.median_m);
            max = max.max(fit.error.max_m);
            rms = rms.max(fit.error.rms_px);
            truth = truth.max(disagreement(&fit.homography, &cam, &court_grid()).1);
        }
        assert!(truth < 0.1, "{name}: {truth} m from the true camera");
        eprintln!(
            "noise, {name}: worst of 10 draws: median {median:.4} m, max {max:.4} m, \
             rms {rms:.3} px, off the true camera by at most {truth:.4} m"
        );
    }
}

/// The refinement ends at a least-squares minimum of the pixel error, below the DLT's
/// algebraic fit: nudging any entry of the homography, either way, does not lower the summed
/// squared pixel error.
#[test]
fn refinement_minimises_the_pixel_error() {
    for (name, cam) in [("side line", stand()), ("behind goal", end_stand())] {
        let points = clicked(&cam, 0.5, &mut SplitMix64(3));
        let all: Vec<usize> = (0..points.len()).collect();
        let sum_sq = |h: &Matrix3<f64>| Consensus::of(*h, &points, f64::INFINITY).sum_sq_px;
        let algebraic = sum_sq(&estimate(&points, &all, false).unwrap());
        let refined = estimate(&points, &all, true).unwrap();
        let least = sum_sq(&refined);
        assert!(
            least < algebraic,
            "{name}: {least} px² after LM, {algebraic} px² by DLT"
        );
        for k in 0..9 {
            for sign in [-1.0, 1.0] {
                let mut nudged = refined;
                let entry = &mut nudged[(k / 3, k % 3)];
                *entry += sign * (1e-5 * entry.abs()).max(1e-12 * refined.amax());
                let e = sum_sq(&nudged);
                assert!(
                    e >= least * (1.0 - 1e-12),
                    "{name}: entry {k}: {e} < {least}"
                );
            }
        }
        eprintln!("refinement, {name}: {algebraic:.4} px² by DLT, {least:.4} px² after LM");
    }
}

/// The noisy landmarks with 6 of the 20 (30%) moved 50 to 300 px in a random direction, ten
/// draws from each view: exactly the moved points are left out, and the median error is
/// under 0.05 m.
#[test]
fn leaves_out_wrong_clicks() {
    for (name, cam) in [("side line", stand()), ("behind goal", end_stand())] {
        let (mut median, mut max) = (0.0f64, 0.0f64);
        for seed in 1..=10 {
            let (points, outliers) = with_outliers(&cam, seed);
            let fit = fit_homography(&points, &FitSettings::default()).unwrap();
            let expected: Vec<usize> = (0..20).filter(|i| !outliers.contains(i)).collect();
            assert_eq!(fit.inliers, expected, "{name}, seed {seed}");
            assert!(
                fit.error.median_m < 0.05,
                "{name}, seed {seed}: {:?}",
                fit.error
            );
            median = median.max(fit.error.median_m);
            max = max.max(fit.error.max_m);
        }
        eprintln!("outliers, {name}: worst of 10 draws: median {median:.4} m, max {max:.4} m");
    }
}

/// Local optimisation at work: a four-point model from noisy clicks misses true inliers far
/// from its sample, so with only 60 samples plain RANSAC (no refits) leaves a good point out
/// of several of these 50 fits. Refitting each new best consensus takes them in: every fit
/// keeps exactly the unmoved points.
#[test]
fn finds_every_inlier_from_few_samples() {
    let settings = FitSettings {
        iterations: 60,
        ..FitSettings::default()
    };
    for (name, cam) in [("side line", stand()), ("behind goal", end_stand())] {
        for seed in 1..=25 {
            let (points, outliers) = with_outliers(&cam, seed);
            let fit = fit_homography(&points, &settings).unwrap();
            let expected: Vec<usize> = (0..20).filter(|i| !outliers.contains(i)).collect();
            assert_eq!(fit.inliers, expected, "{name}, seed {seed}");
        }
    }
}

/// Landmarks clicked within ±0.5 px, 6 of them then moved 50-300 px; and which 6.
fn with_outliers(cam: &PinholeCamera, seed: u64) -> (Vec<Correspondence>, Vec<usize>) {
    let mut rng = SplitMix64(seed);
    let mut points = clicked(cam, 0.5, &mut rng);
    let mut outliers = Vec::new();
    while outliers.len() < 6 {
        let i = rng.below(points.len());
        if !outliers.contains(&i) {
            outliers.push(i);
        }
    }
    for &i in &outliers {
        let (distance, angle) = (
            rng.between(50.0, 300.0),
            rng.between(0.0, std::f64::consts::TAU),
        );
        points[i].pixel[0] += distance * angle.cos();
        points[i].pixel[1] += distance * angle.sin();
    }
    (points, outliers)
}

/// The same points and seed give the same calibration; other seeds find the same inliers.
#[test]
fn is_deterministic() {
    let (points, _) = with_outliers(&end_stand(), 7);
    let settings = FitSettings::default();
    let first = fit_homography(&points, &settings).unwrap();
    assert_eq!(fit_homography(&points, &settings).unwrap(), first);
    for seed in 1..=5 {
        let other = fit_homography(&points, &FitSettings { seed, ..settings }).unwrap();
        assert_eq!(other.inliers, first.inliers, "seed {seed}");
    }
}

fn point(x: f32, y: f32, u: f64, v: f64) -> Correspondence {
    Correspondence {
        court: CourtPoint::new(x, y),
        pixel: [u, v],
    }
}

#[test]
fn refuses_what_cannot_be_fitted() {
    let settings = FitSettings::default();
    let square = [
        point(0.0, 0.0, 100.0, 900.0),
        point(10.0, 0.0, 1800.0, 900.0),
        point(10.0, 10.0, 1500.0, 300.0),
        point(0.0, 10.0, 400.0, 300.0),
    ];
    assert!(fit_homography(&square, &settings).is_ok());
    assert_eq!(
        fit_homography(&square[..3], &settings),
        Err(FitError::TooFewPoints { given: 3 })
    );

    // Three of four on the court's y = 0 line.
    let mut collinear = square;
    collinear[2] = point(20.0, 0.0, 1700.0, 500.0);
    assert_eq!(
        fit_homography(&collinear, &settings),
        Err(FitError::Degenerate)
    );
    // Three of four on one image line.
    let mut collinear = square;
    collinear[2].pixel = [3500.0, 900.0];
    assert_eq!(
        fit_homography(&collinear, &settings),
        Err(FitError::Degenerate)
    );
    // Six points all on one line: every RANSAC sample is degenerate.
    let line: Vec<_> = (0..6)
        .map(|i| point(i as f32 * 5.0, 0.0, 100.0 + 300.0 * f64::from(i), 800.0))
        .collect();
    assert_eq!(fit_homography(&line, &settings), Err(FitError::Degenerate));

    // The far corners clicked the wrong way round: a crossed quadrilateral, which a homography
    // reaches only by folding part of the court behind the camera.
    let mut crossed = square;
    (crossed[2].pixel, crossed[3].pixel) = (square[3].pixel, square[2].pixel);
    assert_eq!(
        fit_homography(&crossed, &settings),
        Err(FitError::NoConsensus)
    );

    let mut nan = square;
    nan[1].pixel[0] = f64::NAN;
    assert_eq!(fit_homography(&nan, &settings), Err(FitError::NonFinite));
    let mut infinite = square;
    infinite[0].court.y = f32::INFINITY;
    assert_eq!(
        fit_homography(&infinite, &settings),
        Err(FitError::NonFinite)
    );

    for bad in [
        FitSettings {
            inlier_px: 0.0,
            ..settings
        },
        FitSettings {
            inlier_px: f64::NAN,
            ..settings
        },
        FitSettings {
            iterations: 0,
            ..settings
        },
    ] {
        assert_eq!(
            fit_homography(&square, &bad),
            Err(FitError::InvalidSettings)
        );
    }
}

/// Missing settings take their defaults, so a stored calibration setup survives new fields.
#[test]
fn settings_default_field_by_field() {
    let s: FitSettings = serde_json::from_str(r#"{"inlier_px": 2.0}"#).unwrap();
    assert_eq!(
        s,
        FitSettings {
            inlier_px: 2.0,
            ..FitSettings::default()
        }
    );
}

/// A camera somewhere around the court: `angle` picks the direction from the court's centre
/// (so both ends and both sides), `back` how far outside the court it stands.
fn camera_around_court(
    angle: f64,
    back: f64,
    height: f64,
    target: [f64; 2],
    vfov: f64,
) -> Option<PinholeCamera> {
    let d = CourtDimensions::default();
    let (hx, hy) = (f64::from(d.length) / 2.0, f64::from(d.width) / 2.0);
    let (c, s) = (angle.cos(), angle.sin());
    let t = ((hx + back) / c.abs()).min((hy + back) / s.abs());
    let position = [hx + t * c, hy + t * s, height];
    PinholeCamera::looking_at(position, [target[0], target[1], 0.0], vfov, 1920, 1080)
}

/// Up to `count` court points, uniform over the whole court, that the camera sees.
fn visible_points(cam: &PinholeCamera, count: usize, rng: &mut SplitMix64) -> Vec<Correspondence> {
    let d = CourtDimensions::default();
    (0..4000)
        .filter_map(|_| {
            let x = rng.between(0.0, f64::from(d.length)) as f32;
            let y = rng.between(0.0, f64::from(d.width)) as f32;
            observe(cam, CourtPoint::new(x, y))
        })
        .take(count)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// For any camera around the court (3-12 m up, 2-20 m outside it, aimed at any court point,
    /// 30-70° vertical field of view) and 6-12 exact points it sees anywhere on the court, the
    /// fit keeps them all and matches the camera on them and on 20 other points it sees:
    /// court -> image -> court within 1e-4 m, image -> court -> image within 1e-3 px.
    #[test]
    fn fits_any_camera_around_the_court(
        angle in 0.0..std::f64::consts::TAU,
        back in 2.0f64..20.0,
        height in 3.0f64..12.0,
        target_x in 0.0f64..30.5,
        target_y in 0.0f64..15.25,
        vfov in 30.0f64..70.0,
        count in 6usize..=12,
        seed in any::<u64>(),
    ) {
        let cam = camera_around_court(angle, back, height, [target_x, target_y], vfov);
        prop_assume!(cam.is_some());
        let cam = cam.unwrap();
        let mut rng = SplitMix64(seed);
        let points = visible_points(&cam, count, &mut rng);
        let others = visible_points(&cam, 20, &mut rng);
        prop_assume!(points.len() == count && others.len() == 20);

        let fit = fit_homography(&points, &FitSettings { seed, ..FitSettings::default() });
        prop_assert!(fit.is_ok(), "{fit:?}");
        let fit = fit.unwrap();
        prop_assert_eq!(fit.inliers.len(), count);
        for c in points.iter().chain(&others) {
            // Court -> image (camera) -> court (fit).
            let court = to_court(&fit.homography, c.pixel);
            prop_assert!(court_distance(court, c.court) < 1e-4, "{c:?} came back at {court:?}");
            // Image -> court (fit) -> image (camera).
            let pixel = cam.project([court[0], court[1], 0.0]).unwrap();
            prop_assert!(pixel_distance(pixel, c.pixel) < 1e-3, "{c:?} came back at {pixel:?}");
        }
    }
}
