//! Manual court calibration: the floor homography from points a person clicked on the image and
//! told us the court position of (corners, line ends, circle crossings).
//!
//! Clicks are a pixel or two off and now and then plain wrong (the wrong corner, a line end
//! mistaken for another), so the fit is robust first and exact second: RANSAC over minimal
//! four-point samples finds the points that agree, a normalised DLT on all of them gives a
//! starting homography, and Levenberg–Marquardt refines it to the least-squares pixel error,
//! which the algebraic DLT error is not. Each new best consensus is refitted this way and
//! reclassified (local optimisation), since four noisy clicks alone extrapolate poorly. The
//! error is reported in metres on the court, the unit the tracker's positions and the rules
//! are judged in.

use nalgebra::{DMatrix, Matrix3, SMatrix, SVector};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Homography;
use crate::court::CourtPoint;

/// One known point: where a court point appears in the image.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Correspondence {
    pub court: CourtPoint,
    /// Pixel, `[x, y]`, origin at the image's top-left corner.
    pub pixel: [f64; 2],
}

/// How tolerant the fit is of bad clicks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FitSettings {
    /// A point is an inlier when the homography puts its court point within this many pixels
    /// of where it was clicked. Well above click noise (a pixel or so), well below a wrong
    /// landmark (tens of pixels away).
    pub inlier_px: f64,
    /// RANSAC samples to draw. All of them are drawn: a sample of four clicked points
    /// extrapolates poorly, so the first all-inlier sample does not always find the whole
    /// consensus (the usual adaptive early stop assumes it does), and a few hundred four-point
    /// fits cost milliseconds for a calibration made once per video.
    pub iterations: u32,
    /// Seed for the sample picker: the same points and seed give the same calibration.
    pub seed: u64,
}

impl Default for FitSettings {
    fn default() -> Self {
        Self {
            inlier_px: 3.0,
            iterations: 500,
            seed: 0x6E65_7462_616C_6C21,
        }
    }
}

/// A fitted floor homography and how well it explains the points it kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Court metres to pixels, scaled to unit Frobenius norm, with a positive homogeneous
    /// coordinate for the inliers' court points (so [`Homography::court_to_image`] sees them).
    pub homography: Homography,
    /// Indices into the input of the points the homography was fitted to, ascending.
    pub inliers: Vec<usize>,
    /// Over the inliers.
    pub error: ReprojectionError,
}

/// Reprojection error over the inliers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReprojectionError {
    /// Median distance on the court between a known court point and its clicked pixel mapped
    /// back through the inverse homography: what a player's position will be off by.
    pub median_m: f64,
    /// Largest such distance.
    pub max_m: f64,
    /// Root mean square pixel distance between the clicked pixel and the court point mapped
    /// through the homography: the quantity the fit minimises.
    pub rms_px: f64,
}

/// Why no homography came out.
#[derive(Clone, Copy, Debug, Error, PartialEq)]
pub enum FitError {
    #[error("a homography needs at least 4 points, {given} given")]
    TooFewPoints { given: usize },
    #[error("a court or pixel coordinate is not a finite number")]
    NonFinite,
    #[error("the inlier threshold must be a positive number of pixels and iterations at least 1")]
    InvalidSettings,
    #[error(
        "the points do not fix a homography: every four of them have three on one line (or two coincide)"
    )]
    Degenerate,
    #[error(
        "no homography maps 4 or more of the points in front of the camera within the threshold"
    )]
    NoConsensus,
}

/// Fits the floor homography (court to image) to `points`, leaving out those that disagree
/// with the consensus by more than `settings.inlier_px`.
///
/// With exactly four points there is nothing to vote with: the homography through them is
/// returned, and its error is zero. It is refused ([`FitError::NoConsensus`]) when no camera
/// could see the four as given, that is when the pixels are in a crossed order.
pub fn fit_homography(
    points: &[Correspondence],
    settings: &FitSettings,
) -> Result<Calibration, FitError> {
    if points.len() < SAMPLE {
        return Err(FitError::TooFewPoints {
            given: points.len(),
        });
    }
    let finite = |c: &Correspondence| {
        c.court.x.is_finite() && c.court.y.is_finite() && c.pixel.iter().all(|v| v.is_finite())
    };
    if !points.iter().all(finite) {
        return Err(FitError::NonFinite);
    }
    if !(settings.inlier_px.is_finite() && settings.inlier_px > 0.0) || settings.iterations == 0 {
        return Err(FitError::InvalidSettings);
    }

    let best = ransac(points, settings)?;
    // The least-squares fit to the consensus (the consensus model itself if that fails).
    let h = estimate(points, &best.inliers, true).unwrap_or(best.model);
    let inliers = best.inliers;
    let h = h / h.norm();
    let homography = homography(&h);
    let error = reprojection_error(&homography, points, &inliers)?;
    Ok(Calibration {
        homography,
        inliers,
        error,
    })
}

/// Points in a minimal sample: a homography has 8 degrees of freedom, two per point.
const SAMPLE: usize = 4;
/// Most refit-and-reclassify rounds in a local optimisation; the set settles in one or two.
const REFIT_ROUNDS: usize = 10;
/// Three points are taken as collinear when the triangle's height is below this fraction of
/// its longest side: a sample that thin fixes the homography too poorly to vote with.
const COLLINEAR: f64 = 1e-3;
/// The DLT system is rank-deficient (no unique homography) when its second smallest singular
/// value is below this fraction of the largest.
const RANK_TOLERANCE: f64 = 1e-9;
/// Levenberg–Marquardt iterations at most; from the DLT's start it settles in a handful.
const LM_ITERATIONS: usize = 50;

/// A model and the points it explains.
struct Consensus {
    model: Matrix3<f64>,
    /// The points within the inlier threshold of `model`, ascending.
    inliers: Vec<usize>,
    /// Their summed squared pixel error.
    sum_sq_px: f64,
}

impl Consensus {
    fn of(model: Matrix3<f64>, points: &[Correspondence], inlier_px: f64) -> Self {
        let mut inliers = Vec::new();
        let mut sum_sq_px = 0.0;
        for (i, c) in points.iter().enumerate() {
            if let Some(e) = pixel_error(&model, c).filter(|e| *e <= inlier_px) {
                inliers.push(i);
                sum_sq_px += e * e;
            }
        }
        Self {
            model,
            inliers,
            sum_sq_px,
        }
    }

    /// More inliers, or as many with less error.
    fn beats(&self, other: &Consensus) -> bool {
        self.inliers.len() > other.inliers.len()
            || (self.inliers.len() == other.inliers.len() && self.sum_sq_px < other.sum_sq_px)
    }
}

/// RANSAC: the best consensus ([`Consensus::beats`]) over minimal samples, each new best
/// locally optimised.
fn ransac(points: &[Correspondence], settings: &FitSettings) -> Result<Consensus, FitError> {
    let n = points.len();
    let mut rng = SplitMix64(settings.seed);
    let trials = if n == SAMPLE { 1 } else { settings.iterations };
    let mut best: Option<Consensus> = None;
    // Whether any sample had no three points on a line.
    let mut usable = false;
    for _ in 0..trials {
        let sample = if n == SAMPLE {
            [0, 1, 2, 3]
        } else {
            rng.sample(n)
        };
        if degenerate(points, &sample) {
            continue;
        }
        usable = true;
        if let Ok(model) = estimate(points, &sample, false) {
            let candidate = Consensus::of(model, points, settings.inlier_px);
            if best.as_ref().is_none_or(|b| candidate.beats(b)) {
                best = Some(locally_optimised(candidate, points, settings.inlier_px));
            }
        }
    }
    match best {
        Some(best) if best.inliers.len() >= SAMPLE => Ok(best),
        _ if !usable => Err(FitError::Degenerate),
        _ => Err(FitError::NoConsensus),
    }
}

/// Local optimisation (as in LO-RANSAC): a model from four noisy clicks extrapolates badly, so
/// its consensus misses true inliers far from the sample, in the near field most (where a
/// centimetre is several pixels). The least-squares fit to that consensus is better, and its
/// consensus larger: refit and reclassify while the consensus improves.
fn locally_optimised(
    mut current: Consensus,
    points: &[Correspondence],
    inlier_px: f64,
) -> Consensus {
    for _ in 0..REFIT_ROUNDS {
        let Ok(model) = estimate(points, &current.inliers, true) else {
            break;
        };
        let next = Consensus::of(model, points, inlier_px);
        if !next.beats(&current) {
            break;
        }
        current = next;
    }
    current
}

/// Whether three of the sample's points are (nearly) collinear on the court or in the image:
/// then no homography, or no stable one, passes through them.
fn degenerate(points: &[Correspondence], sample: &[usize; SAMPLE]) -> bool {
    const TRIPLES: [[usize; 3]; 4] = [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]];
    TRIPLES.iter().any(|t| {
        let pick = |f: fn(&Correspondence) -> [f64; 2]| t.map(|i| f(&points[sample[i]]));
        collinear(pick(court_xy)) || collinear(pick(|c| c.pixel))
    })
}

/// Whether the triangle is thinner than [`COLLINEAR`] (or has coincident corners).
fn collinear([a, b, c]: [[f64; 2]; 3]) -> bool {
    let d = |p: [f64; 2], q: [f64; 2]| [q[0] - p[0], q[1] - p[1]];
    let (ab, ac, bc) = (d(a, b), d(a, c), d(b, c));
    let twice_area = (ab[0] * ac[1] - ab[1] * ac[0]).abs();
    let longest_sq = [ab, ac, bc]
        .iter()
        .map(|v| v[0] * v[0] + v[1] * v[1])
        .fold(0.0, f64::max);
    // twice_area / longest is the height over the longest side.
    twice_area <= COLLINEAR * longest_sq
}

fn court_xy(c: &Correspondence) -> [f64; 2] {
    [f64::from(c.court.x), f64::from(c.court.y)]
}

/// Pixel distance between where `h` puts the court point and where it was clicked; `None`
/// when `h` puts the court point behind the camera.
fn pixel_error(h: &Matrix3<f64>, c: &Correspondence) -> Option<f64> {
    let [u, v] = project(h, court_xy(c))?;
    Some((u - c.pixel[0]).hypot(v - c.pixel[1]))
}

/// Applies `h` to `(x, y, 1)`; `None` unless the homogeneous coordinate is positive.
fn project(h: &Matrix3<f64>, [x, y]: [f64; 2]) -> Option<[f64; 2]> {
    let row = |r: usize| h[(r, 0)] * x + h[(r, 1)] * y + h[(r, 2)];
    let w = row(2);
    (w > 0.0).then(|| [row(0) / w, row(1) / w])
}

/// The plain least-squares homography (normalised DLT) through all `points`, none left out:
/// for callers that pick their correspondences themselves, as the line matcher does each
/// round.
pub(super) fn through(points: &[Correspondence]) -> Result<Homography, FitError> {
    let all: Vec<usize> = (0..points.len()).collect();
    Ok(homography(&estimate(points, &all, false)?))
}

fn homography(h: &Matrix3<f64>) -> Homography {
    Homography(std::array::from_fn(|r| std::array::from_fn(|c| h[(r, c)])))
}

/// The homography through the points `indices` in pixel and court coordinates, oriented so
/// their court points have positive homogeneous coordinates: by DLT alone (`refine` false,
/// for RANSAC's minimal samples) or refined to least pixel error.
///
/// Both point sets are normalised first (Hartley): centroid at the origin, mean distance √2.
/// Raw pixels (hundreds) against metres (tens) and 1s in one system make the DLT badly
/// conditioned; normalised, its answer is stable and the refinement's steps well scaled.
fn estimate(
    points: &[Correspondence],
    indices: &[usize],
    refine: bool,
) -> Result<Matrix3<f64>, FitError> {
    let court: Vec<[f64; 2]> = indices.iter().map(|&i| court_xy(&points[i])).collect();
    let pixel: Vec<[f64; 2]> = indices.iter().map(|&i| points[i].pixel).collect();
    let (Some(tc), Some(ti)) = (Normaliser::of(&court), Normaliser::of(&pixel)) else {
        return Err(FitError::Degenerate);
    };
    let court: Vec<[f64; 2]> = court.iter().map(|&p| tc.apply(p)).collect();
    let pixel: Vec<[f64; 2]> = pixel.iter().map(|&p| ti.apply(p)).collect();
    let h = dlt(&court, &pixel).ok_or(FitError::Degenerate)?;
    let mut h = orient(h, &court).ok_or(FitError::NoConsensus)?;
    if refine {
        h = levenberg_marquardt(h, &court, &pixel);
    }
    // The normalisers are affine, so the homogeneous coordinate, and its sign, carry over.
    Ok(ti.inverse_matrix() * h * tc.matrix())
}

/// Hartley normalisation: a similarity taking the points' centroid to the origin and their
/// mean distance from it to √2.
struct Normaliser {
    centre: [f64; 2],
    scale: f64,
}

impl Normaliser {
    /// `None` when all points coincide.
    fn of(points: &[[f64; 2]]) -> Option<Self> {
        let n = points.len() as f64;
        let centre = [0, 1].map(|k| points.iter().map(|p| p[k]).sum::<f64>() / n);
        let mean = points
            .iter()
            .map(|p| (p[0] - centre[0]).hypot(p[1] - centre[1]))
            .sum::<f64>()
            / n;
        (mean > 0.0).then(|| Self {
            centre,
            scale: std::f64::consts::SQRT_2 / mean,
        })
    }

    fn apply(&self, p: [f64; 2]) -> [f64; 2] {
        [0, 1].map(|k| (p[k] - self.centre[k]) * self.scale)
    }

    fn matrix(&self) -> Matrix3<f64> {
        let [cx, cy] = self.centre;
        let s = self.scale;
        Matrix3::new(s, 0.0, -s * cx, 0.0, s, -s * cy, 0.0, 0.0, 1.0)
    }

    fn inverse_matrix(&self) -> Matrix3<f64> {
        let [cx, cy] = self.centre;
        let s = 1.0 / self.scale;
        Matrix3::new(s, 0.0, cx, 0.0, s, cy, 0.0, 0.0, 1.0)
    }
}

/// Direct linear transform: `h` (row-major) spans the null space of the 2n x 9 system
/// `[x y 1 0 0 0 -ux -uy -u; 0 0 0 x y 1 -vx -vy -v] h = 0`, so it is the right singular
/// vector of the smallest singular value. `None` when a second singular value is also zero:
/// the points do not fix a homography.
fn dlt(court: &[[f64; 2]], pixel: &[[f64; 2]]) -> Option<Matrix3<f64>> {
    // Four points give only 8 equations, and a thin SVD of an 8 x 9 matrix has no ninth right
    // singular vector, which is the null vector sought. A zero row makes the system square
    // without changing its null space.
    let rows = (2 * court.len()).max(9);
    let mut a = vec![0.0; rows * 9];
    for (i, (&[x, y], &[u, v])) in court.iter().zip(pixel).enumerate() {
        let row = 18 * i;
        a[row..row + 9].copy_from_slice(&[x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, -u]);
        a[row + 9..row + 18].copy_from_slice(&[0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, -v]);
    }
    let svd = DMatrix::from_row_slice(rows, 9, &a).try_svd(false, true, f64::EPSILON, 1000)?;
    // Sorted in descending order by `try_svd`.
    let s = &svd.singular_values;
    if s[7] <= RANK_TOLERANCE * s[0] {
        return None;
    }
    let v_t = svd.v_t?;
    Some(Matrix3::from_fn(|r, c| v_t[(8, 3 * r + c)]))
}

/// `h` or `-h`, whichever gives the court points positive homogeneous coordinates (in front of
/// the camera, as [`Homography`] requires); `None` when their signs differ, which no camera
/// can produce: the homography folds the court over the horizon.
fn orient(h: Matrix3<f64>, court: &[[f64; 2]]) -> Option<Matrix3<f64>> {
    let w = |&[x, y]: &[f64; 2]| h[(2, 0)] * x + h[(2, 1)] * y + h[(2, 2)];
    if court.iter().all(|p| w(p) > 0.0) {
        Some(h)
    } else if court.iter().all(|p| w(p) < 0.0) {
        Some(-h)
    } else {
        None
    }
}

/// Levenberg–Marquardt on the summed squared pixel error (court to image), starting from `h`.
/// Eight parameters: `h`'s largest entry stays fixed, which removes the scale freedom without
/// assuming any particular entry is non-zero. Steps that would put a point behind the camera
/// are refused, so the orientation holds.
fn levenberg_marquardt(h: Matrix3<f64>, court: &[[f64; 2]], pixel: &[[f64; 2]]) -> Matrix3<f64> {
    let (r, c) = h.iamax_full();
    let fixed = 3 * r + c;
    let free: [usize; 8] = std::array::from_fn(|i| if i < fixed { i } else { i + 1 });
    let scale = h[(r, c)].abs();
    let mut params: [f64; 9] = std::array::from_fn(|i| h[(i / 3, i % 3)] / scale);
    let Some(mut cost) = squared_error(&params, court, pixel) else {
        return h;
    };
    let mut lambda = 1e-3;
    for _ in 0..LM_ITERATIONS {
        let (jtj, jtr) = normal_equations(&params, &free, court, pixel);
        let mut step_taken = None;
        while lambda < 1e12 {
            let mut a = jtj;
            for i in 0..8 {
                a[(i, i)] += lambda * jtj[(i, i)].max(1e-12);
            }
            if let Some(step) = a.cholesky().map(|ch| ch.solve(&-jtr)) {
                let mut trial = params;
                for (k, &i) in free.iter().enumerate() {
                    trial[i] += step[k];
                }
                if let Some(trial_cost) = squared_error(&trial, court, pixel).filter(|&e| e < cost)
                {
                    step_taken = Some((trial, trial_cost));
                    break;
                }
            }
            lambda *= 10.0;
        }
        let Some((next, next_cost)) = step_taken else {
            break;
        };
        let gain = cost - next_cost;
        params = next;
        cost = next_cost;
        lambda = (lambda / 10.0).max(1e-12);
        if gain <= 1e-12 * cost {
            break;
        }
    }
    Matrix3::from_fn(|r, c| params[3 * r + c])
}

/// Summed squared pixel error of the row-major homography `p`; `None` when it puts a point
/// behind the camera.
fn squared_error(p: &[f64; 9], court: &[[f64; 2]], pixel: &[[f64; 2]]) -> Option<f64> {
    let h = Matrix3::from_fn(|r, c| p[3 * r + c]);
    court
        .iter()
        .zip(pixel)
        .try_fold(0.0, |sum, (&xy, &[u, v])| {
            let [pu, pv] = project(&h, xy)?;
            Some(sum + (pu - u).powi(2) + (pv - v).powi(2))
        })
}

/// `JᵀJ` and `Jᵀr` over the free parameters, for residuals `r` = projected minus clicked.
fn normal_equations(
    p: &[f64; 9],
    free: &[usize; 8],
    court: &[[f64; 2]],
    pixel: &[[f64; 2]],
) -> (SMatrix<f64, 8, 8>, SVector<f64, 8>) {
    let mut jtj = SMatrix::<f64, 8, 8>::zeros();
    let mut jtr = SVector::<f64, 8>::zeros();
    for (&[x, y], &[u, v]) in court.iter().zip(pixel) {
        let w = p[6] * x + p[7] * y + p[8];
        let pu = (p[0] * x + p[1] * y + p[2]) / w;
        let pv = (p[3] * x + p[4] * y + p[5]) / w;
        // d(pu)/dp and d(pv)/dp for the nine entries, row by row.
        let g = [x / w, y / w, 1.0 / w];
        let du: [f64; 9] = std::array::from_fn(|i| match i / 3 {
            0 => g[i % 3],
            1 => 0.0,
            _ => -pu * g[i % 3],
        });
        let dv: [f64; 9] = std::array::from_fn(|i| match i / 3 {
            0 => 0.0,
            1 => g[i % 3],
            _ => -pv * g[i % 3],
        });
        for (row, res) in [(du, pu - u), (dv, pv - v)] {
            let j = SVector::<f64, 8>::from_fn(|k, _| row[free[k]]);
            jtj += j * j.transpose();
            jtr += j * res;
        }
    }
    (jtj, jtr)
}

/// The [`ReprojectionError`] of `h` over the inliers.
fn reprojection_error(
    h: &Homography,
    points: &[Correspondence],
    inliers: &[usize],
) -> Result<ReprojectionError, FitError> {
    let forward = Matrix3::from_fn(|r, c| h.0[r][c]);
    let back = h.inverse().ok_or(FitError::Degenerate)?;
    let back = Matrix3::from_fn(|r, c| back.0[r][c]);
    let mut metres = Vec::with_capacity(inliers.len());
    let mut sum_sq_px = 0.0;
    for &i in inliers {
        let c = &points[i];
        let px = pixel_error(&forward, c).ok_or(FitError::Degenerate)?;
        let [x, y] = project(&back, c.pixel).ok_or(FitError::Degenerate)?;
        let [cx, cy] = court_xy(c);
        metres.push((x - cx).hypot(y - cy));
        sum_sq_px += px * px;
    }
    metres.sort_by(f64::total_cmp);
    let n = metres.len();
    let median_m = if n % 2 == 1 {
        metres[n / 2]
    } else {
        (metres[n / 2 - 1] + metres[n / 2]) / 2.0
    };
    Ok(ReprojectionError {
        median_m,
        max_m: metres[n - 1],
        rms_px: (sum_sq_px / n as f64).sqrt(),
    })
}

/// SplitMix64, RANSAC's sample picker. A few lines of our own instead of the `rand` crate keep
/// `shared` small, and the fit reproducible bit for bit on every target, wasm32 included: the
/// same points and seed always give the same calibration.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift, no modulo bias worth the name for small `n`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Four distinct indices below `n` (`n` >= 4).
    fn sample(&mut self, n: usize) -> [usize; SAMPLE] {
        let mut picked = [0; SAMPLE];
        for i in 0..SAMPLE {
            picked[i] = loop {
                let candidate = self.below(n);
                if !picked[..i].contains(&candidate) {
                    break candidate;
                }
            };
        }
        picked
    }
}

#[cfg(test)]
mod tests;
