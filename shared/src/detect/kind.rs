//! What a detector's class means to the analysis, whatever the model calls it.

use serde::{Deserialize, Serialize};

/// The analysis' view of a class: people are tracked with ByteTrack, the ball with its own
/// tracker, rings anchor the court; anything else is kept in the detections but not tracked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    Person,
    Ball,
    Ring,
    Other,
}

impl ObjectKind {
    /// Judged by the class name, so the project's model (`player`, `umpire`, `ball`, `ring`),
    /// COCO models (`person`, `sports ball`) and the person detector used in tests (`Normal`,
    /// `Fall`: people standing or fallen) all work without a mapping file.
    pub fn from_label(label: &str) -> Self {
        match label.trim().to_ascii_lowercase().as_str() {
            "player" | "umpire" | "person" | "people" | "pedestrian" | "normal" | "fall" => {
                ObjectKind::Person
            }
            "ball" | "sports ball" | "netball" => ObjectKind::Ball,
            "ring" | "hoop" | "goal" => ObjectKind::Ring,
            _ => ObjectKind::Other,
        }
    }

    /// Whether a person class is a match official (the project's model tells umpires from
    /// players): tracked like anyone, but on no team, and never holding the ball in play.
    pub fn is_official(label: &str) -> bool {
        matches!(
            label.trim().to_ascii_lowercase().as_str(),
            "umpire" | "referee" | "official"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_map_to_kinds() {
        assert_eq!(ObjectKind::from_label("player"), ObjectKind::Person);
        assert_eq!(ObjectKind::from_label("Fall"), ObjectKind::Person);
        assert_eq!(ObjectKind::from_label("sports ball"), ObjectKind::Ball);
        assert_eq!(ObjectKind::from_label("ring"), ObjectKind::Ring);
        assert_eq!(ObjectKind::from_label("car"), ObjectKind::Other);
        assert!(ObjectKind::is_official("Umpire"));
        assert!(!ObjectKind::is_official("player"));
    }
}
