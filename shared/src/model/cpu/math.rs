//! The activations, written so the compiler vectorises them: `f32::exp` is a call into libm per
//! value, and the fast path applies SiLU to every value of every layer (about 25 million per
//! image for YOLOv8s at 640), where those calls would cost as much as a large convolution.

/// e^x for the range the activations need, within 2 ulp of `f32::exp` (Cephes' expf: `x` is
/// split into n·ln 2 + r with |r| ≤ ln 2 / 2, e^r is a degree-6 polynomial, 2^n goes into the
/// exponent bits). Inputs beyond ±87 are clamped, where e^x is already 0 or huge for SiLU.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Adding and removing 1.5 * 2^23 rounds to the nearest integer without a libm call.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 87.0);
    let n = (x * LOG2_E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut p = 1.987_569_1e-4;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    e_r * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// x · sigmoid(x), Ultralytics' activation after every convolution but the head's last.
#[inline(always)]
pub fn silu(x: f32) -> f32 {
    x / (1.0 + exp(-x))
}

/// SiLU over a slice, in the widest vectors the processor has. Compiled for the target's
/// baseline alone (SSE2 on x86-64) this loop was 13% of the whole network's time; with AVX2
/// and FMA, chosen at run time, it is a few percent.
pub fn silu_in_place(values: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor has just been found to support AVX-512F.
            return unsafe { silu_avx512(values) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the processor has just been found to support AVX2 and FMA.
            return unsafe { silu_avx2(values) };
        }
    }
    silu_loop(values);
}

#[inline(always)]
fn silu_loop(values: &mut [f32]) {
    for v in values {
        *v = silu(*v);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn silu_avx512(values: &mut [f32]) {
    silu_loop(values);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn silu_avx2(values: &mut [f32]) {
    silu_loop(values);
}

#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_the_library_over_the_range() {
        let mut worst = 0.0f32;
        for i in -87_000..=87_000 {
            let x = i as f32 / 1000.0;
            let (got, want) = (exp(x), x.exp());
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 4.0 * f32::EPSILON, "worst relative error {worst}");
    }

    #[test]
    fn the_vector_silu_is_the_scalar_one() {
        let mut values: Vec<f32> = (-1000..1000).map(|i| i as f32 / 37.0).collect();
        let want: Vec<f32> = values.iter().map(|&x| silu(x)).collect();
        silu_in_place(&mut values);
        for (g, w) in values.iter().zip(&want) {
            assert!((g - w).abs() <= 1e-6 * (1.0 + w.abs()), "{g} against {w}");
        }
    }

    #[test]
    fn silu_and_sigmoid_hold_at_the_extremes() {
        assert_eq!(silu(0.0), 0.0);
        assert!(silu(-200.0).abs() < 1e-30);
        assert!((silu(50.0) - 50.0).abs() < 1e-5);
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-7);
        assert!(sigmoid(-200.0) < 1e-37 && sigmoid(200.0) == 1.0);
    }
}
