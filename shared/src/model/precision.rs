//! The float type the network computes in.

use std::fmt;
use std::str::FromStr;

use burn::tensor::FloatDType;
use serde::{Deserialize, Serialize};

/// f32 everywhere by default; f16 on a GPU, where autotuned half-precision convolutions run on
/// the tensor cores (about 3-6x the f32 throughput on an H200, within 1.2e-3 relative L2 of
/// the f32 output: docs/performance.md). The CPU computes in f32 only: its fast path has no
/// half-precision kernels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    #[default]
    F32,
    F16,
}

impl Precision {
    pub fn dtype(self) -> FloatDType {
        match self {
            Precision::F32 => FloatDType::F32,
            Precision::F16 => FloatDType::F16,
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::F32 => "f32",
            Precision::F16 => "f16",
        })
    }
}

impl FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "f32" => Ok(Precision::F32),
            "f16" => Ok(Precision::F16),
            _ => Err(format!("`{s}` is not a precision (f32, f16)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precisions_read_back_what_they_print() {
        for p in [Precision::F32, Precision::F16] {
            assert_eq!(p.to_string().parse::<Precision>(), Ok(p));
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{p}\""),
                "the result header spells it as the command line does"
            );
        }
        assert!("fp16".parse::<Precision>().is_err());
    }
}
