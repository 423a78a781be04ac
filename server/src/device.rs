//! Device selection: the GPU when one is there and wanted, the CPU otherwise.
//!
//! Burn panics on a background thread when a Vulkan device is used without an adapter, so the
//! GPU is probed first through wgpu's own initialisation, which reports a missing adapter as an
//! error; the CPU fallback never depends on catching a panic.

use burn::tensor::Device;
use clap::ValueEnum;
use thiserror::Error;

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DeviceChoice {
    /// The GPU when one is found, else the CPU (with one log line saying so).
    Auto,
    /// The CPU (Burn's Flex backend).
    Cpu,
    /// The GPU; an error when there is none.
    Gpu,
}

/// A device ready for tensors, and what it is, for logs and reports.
#[derive(Clone, Debug)]
pub struct SelectedDevice {
    pub device: Device,
    pub description: String,
    pub is_gpu: bool,
}

#[derive(Debug, Error)]
pub enum DeviceError {
    #[error("no GPU is available: {0}")]
    NoGpu(String),
}

/// Resolves the user's choice to a device.
pub fn select(choice: DeviceChoice) -> Result<SelectedDevice, DeviceError> {
    match choice {
        DeviceChoice::Cpu => Ok(cpu()),
        DeviceChoice::Gpu => gpu().map_err(DeviceError::NoGpu),
        DeviceChoice::Auto => Ok(gpu().unwrap_or_else(|why| {
            tracing::info!("no usable GPU ({why}); running on the CPU");
            cpu()
        })),
    }
}

fn cpu() -> SelectedDevice {
    SelectedDevice {
        device: Device::flex(),
        description: format!(
            "CPU (Burn Flex, {} threads)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        is_gpu: false,
    }
}

#[cfg(feature = "vulkan")]
fn gpu() -> Result<SelectedDevice, String> {
    use burn::tensor::wgpu::{WgpuBackend, wgpu};

    let (device, setup) = Device::wgpu_options()
        .graphics_api(WgpuBackend::Vulkan)
        .init_with_setup()
        .map_err(|e| e.to_string())?;
    let info = setup.adapter.get_info();
    // A software rasteriser (lavapipe, SwiftShader) is slower than the Flex CPU backend.
    if info.device_type == wgpu::DeviceType::Cpu {
        return Err(format!(
            "the only Vulkan adapter is a CPU emulation ({})",
            info.name
        ));
    }
    Ok(SelectedDevice {
        device,
        description: format!("GPU ({}, Vulkan, driver {})", info.name, info.driver_info),
        is_gpu: true,
    })
}

#[cfg(not(feature = "vulkan"))]
fn gpu() -> Result<SelectedDevice, String> {
    Err("this build has no GPU backend (built without the `vulkan` feature)".into())
}
