//! A small deterministic generator (xorshift) for the trackers' tests, so they need no
//! random-number crate and replay exactly.

pub(super) struct Noise(pub u64);

impl Noise {
    /// Uniform in 0..1.
    pub fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in -1..1.
    pub fn signed(&mut self) -> f32 {
        2.0 * self.next() - 1.0
    }

    /// Uniform in `lo..hi`.
    pub fn between(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.next()
    }
}
