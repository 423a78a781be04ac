//! Measuring the stages: busy time per stage (time spent working, not blocked on a channel)
//! and the process's peak memory.

use std::time::{Duration, Instant};

use netball_shared::result::StageMetrics;

/// Adds up the time a stage spends working.
pub struct StageClock {
    stage: &'static str,
    busy: Duration,
    items: u64,
}

impl StageClock {
    pub fn new(stage: &'static str) -> Self {
        Self {
            stage,
            busy: Duration::ZERO,
            items: 0,
        }
    }

    /// Runs `work`, counting its time and `items` handled.
    pub fn time<T>(&mut self, items: u64, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = work();
        self.busy += start.elapsed();
        self.items += items;
        out
    }

    pub fn finish(self) -> StageMetrics {
        StageMetrics {
            stage: self.stage.into(),
            items: self.items,
            busy_seconds: self.busy.as_secs_f64(),
        }
    }
}

/// The process's peak resident memory so far, bytes (`VmHWM`, Linux only). Hand-read: the
/// one line needed does not justify a crate, and other systems simply report none.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_counts_items_and_time() {
        let mut clock = StageClock::new("x");
        clock.time(3, || std::thread::sleep(Duration::from_millis(5)));
        let m = clock.finish();
        assert_eq!(m.items, 3);
        assert!(m.busy_seconds >= 0.005);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn peak_memory_is_read_on_linux() {
        assert!(peak_rss_bytes().is_some_and(|b| b > 1 << 20));
    }
}
