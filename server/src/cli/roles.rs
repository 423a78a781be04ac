//! `netball analyze --positions`: the roles of tracks, set by hand, from a CSV file with the
//! header `track,position,attacking` (`12,GS,high`: track 12 plays GS for the team attacking
//! the high end). Track ids are those of an earlier run's result on the same video and
//! settings, which the cache makes quick to repeat.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use netball_shared::court::{End, Position};
use netball_shared::rules::Role;

/// The roles by track id; each bad row is named by its line and what is wrong with it.
pub fn read(path: &Path) -> Result<BTreeMap<u32, Role>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("{}: not a positions file", path.display()))
}

fn parse(text: &str) -> Result<BTreeMap<u32, Role>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader.headers().context("reading the header")?.clone();
    if header.iter().collect::<Vec<_>>() != ["track", "position", "attacking"] {
        bail!(
            "the header must be `track,position,attacking`, not `{}`",
            header.iter().collect::<Vec<_>>().join(",")
        );
    }
    let mut roles = BTreeMap::new();
    for record in reader.records() {
        let record = record?;
        let line = record.position().map_or(0, |p| p.line());
        let row = || -> Result<(u32, Role)> {
            let track: u32 = record[0]
                .parse()
                .with_context(|| format!("track `{}` is not a track id", &record[0]))?;
            let position: Position = record[1].parse()?;
            let attacking = match record[2].to_ascii_lowercase().as_str() {
                "low" => End::Low,
                "high" => End::High,
                other => bail!("attacking end `{other}` is neither `low` nor `high`"),
            };
            Ok((
                track,
                Role {
                    position,
                    attacking,
                },
            ))
        };
        let (track, role) = row().with_context(|| format!("line {line}"))?;
        if roles.insert(track, role).is_some() {
            bail!("line {line}: track {track} is given twice");
        }
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_read_by_track() {
        let roles = parse("track,position,attacking\n12,GS,high\n 3 , gk , Low\n").unwrap();
        assert_eq!(
            roles[&12],
            Role {
                position: Position::GS,
                attacking: End::High
            }
        );
        assert_eq!(roles[&3].attacking, End::Low);
        assert_eq!(roles.len(), 2);
    }

    #[test]
    fn each_bad_row_is_named() {
        for (text, says) in [
            ("id,position,end\n1,GS,high\n", "header"),
            ("track,position,attacking\nx,GS,high\n", "line 2"),
            ("track,position,attacking\n1,XX,high\n", "line 2"),
            ("track,position,attacking\n1,GS,north\n", "neither"),
            ("track,position,attacking\n1,GS,high\n1,GA,high\n", "twice"),
            ("track,position,attacking\n1,GS\n", "2 fields"),
        ] {
            let error = format!("{:#}", parse(text).unwrap_err());
            assert!(error.contains(says), "{text:?}: {error}");
        }
    }
}
