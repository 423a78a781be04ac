//! The result cache. A run's outputs are kept under a key made of the video's bytes, the
//! detector (the model file's bytes, or the truth file's and the oracle's settings) and the
//! analysis settings, so the same analysis twice copies a few files instead of running the
//! model again. Entries are written to a temporary folder and renamed into place, so a
//! crashed run never leaves a half entry that a later run would trust.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use netball_shared::bib::BibModel;
use netball_shared::result::{AnalysisSettings, DetectorInfo};
use sha2::{Digest, Sha256};

use super::output::OutputPaths;

/// A folder of cached results, one sub-folder per key.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// Bumped when the outputs change for the same inputs (a fix in tracking, a new export), so
/// older entries are not served. v2: tracklets joined into players, and the tracker's looks
/// and second round reworked (2026-11-28). v3: distance and speeds from a fixed-lag smoother
/// that leaves out stray positions and jumps. v4: shots a far-end shooter retook, rebounds
/// seen on two tracks by turns, unread tracklets joined to the bib player they run between,
/// and offside off the court and by read roles per frame. v5: a shot the video ends on has no
/// outcome, and a catch its catcher shoots from is a feed. v6: breaking judged on steadied feet,
/// cut where a track leaps to someone else; three seconds timed at centre passes (from the
/// whistle the waiting players heard) and throw-ins (from when the thrower stood still). v7: the
/// handover after a flagged violation is a free pass, not a pass and an interception. v8: feet
/// pushed square to the image rows instead of along the line of sight; read roles checked
/// against where their tracks stand. v9: unread tracklets joined to the bib player in whose
/// gap they were seen. v10: ids never exchanged across classes, no bibs read on officials, a
/// tracklet lying between two pieces of a chain no rival of it, kit splits only after meeting
/// someone, and officials' pieces chained to their clearly nearest continuation. v11: no bib
/// read where two overlapping people's feet are level, and entangled tracks exchanged by their
/// bibs only after two crossed readings. v12: a rule's run exactly as long as it must be counts
/// whatever the rounding of the frame times. v13 was a tracker change since reverted
/// (740f0a2), so it is skipped: its entries are not this code's. v14: obstruction judged on
/// both players' steadied feet. v15: teams split by the skirt's colours too.
const GENERATION: &str = "analysis-v15";

/// Adds a file's bytes to a hash, streamed (videos can be many gigabytes).
fn hash_file(hasher: &mut Sha256, path: &Path) -> Result<()> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut buffer = vec![0; 1 << 20];
    loop {
        let n = file
            .read(&mut buffer)
            .with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buffer[..n]);
    }
}

impl Cache {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The key of an analysis: hex SHA-256 over everything that shapes its outputs. `inputs`
    /// are the files the detector reads (the weights, or the oracle's truth); `variant` names
    /// which optional outputs were asked for.
    pub fn key(
        video: &Path,
        inputs: &[&Path],
        detector: &DetectorInfo,
        settings: &AnalysisSettings,
        variant: &str,
    ) -> Result<String> {
        let mut hasher = Sha256::new();
        hasher.update(GENERATION);
        hasher.update(variant);
        // The name is in the result's header, so it is part of what is cached.
        let name = video
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        hasher.update(name.as_bytes());
        hash_file(&mut hasher, video)?;
        for input in inputs {
            hash_file(&mut hasher, input)?;
        }
        hasher.update(serde_json::to_vec(detector)?);
        hasher.update(serde_json::to_vec(settings)?);
        if settings.read_bibs {
            hasher.update(BibModel::bundled_bytes());
        }
        Ok(format!("{:x}", hasher.finalize()))
    }

    fn entry(&self, key: &str) -> OutputPaths {
        OutputPaths::new(self.dir.join(key))
    }

    /// Copies a cached result into `out`; `false` when there is none.
    pub fn fetch(&self, key: &str, out: &OutputPaths) -> Result<bool> {
        let entry = self.entry(key);
        if !entry.result().is_file() {
            return Ok(false);
        }
        std::fs::create_dir_all(&out.dir)
            .with_context(|| format!("creating {}", out.dir.display()))?;
        // Optional outputs (the video) are copied when the entry has them.
        for (from, to) in entry
            .files()
            .iter()
            .zip(out.files())
            .filter(|(f, _)| f.is_file())
        {
            std::fs::copy(from, &to)
                .with_context(|| format!("copying the cached {}", from.display()))?;
        }
        Ok(true)
    }

    /// Keeps a finished run's outputs under `key`.
    pub fn store(&self, key: &str, out: &OutputPaths) -> Result<()> {
        let staging = OutputPaths::new(self.dir.join(format!(".{key}.{}", std::process::id())));
        std::fs::create_dir_all(&staging.dir)
            .with_context(|| format!("creating {}", staging.dir.display()))?;
        let copied = out
            .files()
            .iter()
            .zip(staging.files())
            .filter(|(from, _)| from.is_file())
            .try_for_each(|(from, to)| std::fs::copy(from, to).map(drop));
        let entry = self.entry(key);
        let stored = copied.and_then(|()| std::fs::rename(&staging.dir, &entry.dir));
        if stored.is_err() {
            let _ = std::fs::remove_dir_all(&staging.dir);
        }
        // Another run may have stored the same key first: theirs is as good as ours.
        if entry.result().is_file() {
            return Ok(());
        }
        stored.with_context(|| format!("storing the result in {}", self.dir.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_results_are_fetched_whole() {
        let dir = tempfile::tempdir().unwrap();
        let run = OutputPaths::new(dir.path().join("run"));
        std::fs::create_dir_all(&run.dir).unwrap();
        for (i, f) in run.files().iter().enumerate() {
            std::fs::write(f, format!("file {i}")).unwrap();
        }
        let cache = Cache::new(dir.path().join("cache"));
        let out = OutputPaths::new(dir.path().join("again"));
        assert!(!cache.fetch("k", &out).unwrap());
        cache.store("k", &run).unwrap();
        cache.store("k", &run).unwrap();
        assert!(cache.fetch("k", &out).unwrap());
        for (a, b) in run.files().iter().zip(out.files()) {
            assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
        }
    }

    #[test]
    fn the_key_follows_content_and_settings() {
        let dir = tempfile::tempdir().unwrap();
        let video = dir.path().join("v.mp4");
        std::fs::write(&video, b"abc").unwrap();
        let detector = DetectorInfo::Oracle {
            classes: vec![],
            miss_rate: 0.1,
            noise_px: 2.0,
            false_positives: 0.5,
            seed: 0,
        };
        let settings = AnalysisSettings {
            stride: 1,
            start: None,
            end: None,
            detect: Default::default(),
            people: Default::default(),
            ball: Default::default(),
            teams: Default::default(),
            calibration: None,
            feet_depth_m: 0.25,
            roles: Default::default(),
            rules: Default::default(),
            read_bibs: true,
            identity_lag: 50,
            stitch: Default::default(),
            events: Default::default(),
        };
        let key = |settings: &AnalysisSettings| {
            Cache::key(&video, &[], &detector, settings, "video").unwrap()
        };
        let first = key(&settings);
        assert_eq!(first, key(&settings));
        assert_ne!(
            first,
            key(&AnalysisSettings {
                stride: 2,
                ..settings.clone()
            })
        );
        std::fs::write(&video, b"abd").unwrap();
        assert_ne!(first, key(&settings));
    }
}
