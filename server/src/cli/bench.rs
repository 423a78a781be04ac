//! `netball bench`: checks a device against the CPU on real weights and measures detector
//! throughput, printing a Markdown report. Exits non-zero when an f32 device disagrees with the
//! CPU.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use burn::tensor::Device;
use clap::Args;
use netball_server::bench::{Placed, agreement, relative_l2, throughput};
use netball_server::device::{self, DeviceChoice};
use netball_server::{decode, model_import};
use netball_shared::detect::letterbox_batch;
use netball_shared::model::{Precision, YoloV8Config};
use netball_shared::{DetectConfig, Scale};

#[derive(Args)]
pub struct BenchArgs {
    /// Real weights (.bpk, .pt, .safetensors): compared on the device and the CPU, and timed at
    /// their own scale. Other scales are timed with random weights of the same shape.
    #[arg(long)]
    weights: PathBuf,
    /// Images (PNG, JPEG, WebP, BMP) for the comparison; the first is also the timing input.
    #[arg(long, required = true, num_args = 1..)]
    images: Vec<PathBuf>,
    /// The device to measure.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    device: DeviceChoice,
    /// The float type the device computes in (the CPU reference is always f32).
    #[arg(long, default_value_t = Precision::F32)]
    precision: Precision,
    /// Model scales to time (n, s, m, l, x).
    #[arg(long, value_delimiter = ',', default_value = "n,s", value_parser = parse_scale)]
    scales: Vec<Scale>,
    /// Batch sizes to time on the device.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32,64")]
    batches: Vec<usize>,
    /// Batch sizes to time on the CPU as the baseline, when the device is a GPU.
    #[arg(long, value_delimiter = ',', default_value = "1,8")]
    cpu_batches: Vec<usize>,
    /// Time no CPU baseline (when another run of the same session already did).
    #[arg(long)]
    no_baseline: bool,
    /// Seconds of timed work per configuration (at least three batches are timed).
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Largest relative L2 error of the raw output accepted from an f32 device.
    #[arg(long, default_value_t = 1e-3)]
    max_relative_l2: f64,
}

fn parse_scale(s: &str) -> Result<Scale, String> {
    Scale::from_letter(s).ok_or_else(|| format!("`{s}` is not a scale (n, s, m, l, x)"))
}

pub fn run(args: BenchArgs) -> Result<()> {
    anyhow::ensure!(
        args.batches.iter().chain(&args.cpu_batches).all(|&b| b > 0),
        "batch sizes must be at least 1"
    );
    let selected = device::select(args.device)?;
    let cpu = Device::flex();
    // Loading consumes a model file, and each device needs its own copy: read it twice.
    let load = || model_import::load_weights(&args.weights);
    let cpu_file = load()?;
    let info = cpu_file.info().clone();
    let frames = args
        .images
        .iter()
        .map(|p| decode::image::read(p).with_context(|| format!("reading {}", p.display())))
        .collect::<Result<Vec<_>>>()?;
    let config = DetectConfig::default();

    println!("# netball bench\n");
    println!("- device: {}", selected.description);
    println!(
        "- CPU baseline: Burn Flex, {} threads",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "- weights: {} (YOLOv8{}, classes {}, input {} px)",
        args.weights.display(),
        info.scale.letter(),
        info.classes.join(", "),
        info.input_size
    );
    println!("- device precision: {:?}\n", args.precision);

    let reference = Placed::new(cpu_file.load(&cpu)?.1, cpu.clone(), Precision::F32);
    let candidate = Placed::new(
        load()?.load(&selected.device)?.1,
        selected.device.clone(),
        args.precision,
    );

    let mut agrees = true;
    if selected.is_gpu {
        println!("## Device against CPU (raw output and detections after NMS)\n");
        println!(
            "| image | relative L2 | CPU boxes | device boxes | matched | max corner diff (px) |"
        );
        println!("|---|---:|---:|---:|---:|---:|");
        for (path, frame) in args.images.iter().zip(&frames) {
            let one = std::slice::from_ref(frame);
            let (raw_cpu, det_cpu) = reference.detect(&info, one, &config);
            let (raw_dev, det_dev) = candidate.detect(&info, one, &config);
            let error = relative_l2(&raw_dev, &raw_cpu);
            let a = agreement(&det_cpu[0], &det_dev[0]);
            println!(
                "| {} | {error:.2e} | {} | {} | {} | {:.3} |",
                path.file_name().unwrap_or_default().to_string_lossy(),
                a.reference,
                a.candidate,
                a.matched,
                a.max_corner_px
            );
            agrees &= error <= args.max_relative_l2 && a.identical_within(1.0);
        }
        println!();
    } else {
        println!("The device is the CPU: no comparison.\n");
    }

    let budget = Duration::from_secs_f64(args.seconds);
    let timing_frame = std::slice::from_ref(&frames[0]);
    let (input_dev, _) = letterbox_batch(timing_frame, info.input_size, &selected.device);
    let (input_cpu, _) = letterbox_batch(timing_frame, info.input_size, &cpu);
    println!(
        "## Throughput ({px}x{px}, {} classes; output read back to the CPU)\n",
        info.classes.len(),
        px = info.input_size
    );
    println!(
        "| scale | weights | batch | device img/s | device ms/img | device warm-up s | CPU img/s | device / CPU |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for &scale in &args.scales {
        let real = scale == info.scale;
        let (on_device, on_cpu) = if real {
            (None, None)
        } else {
            let shape = YoloV8Config {
                scale,
                num_classes: info.classes.len(),
            };
            (
                Some(Placed::new(
                    shape.init(&selected.device),
                    selected.device.clone(),
                    args.precision,
                )),
                Some(Placed::new(shape.init(&cpu), cpu.clone(), Precision::F32)),
            )
        };
        let on_device = on_device.as_ref().unwrap_or(&candidate);
        let on_cpu = on_cpu.as_ref().unwrap_or(&reference);
        for &batch in &args.batches {
            let dev = throughput(on_device, &input_dev, batch, budget);
            let base = (selected.is_gpu && !args.no_baseline && args.cpu_batches.contains(&batch))
                .then(|| throughput(on_cpu, &input_cpu, batch, budget));
            let (cpu_ips, ratio) = match base {
                Some(b) => (
                    format!("{:.1}", b.images_per_second),
                    format!("{:.1}x", dev.images_per_second / b.images_per_second),
                ),
                None => ("-".into(), "-".into()),
            };
            println!(
                "| {} | {} | {batch} | {:.1} | {:.2} | {:.1} | {cpu_ips} | {ratio} |",
                scale.letter(),
                if real { "real" } else { "random" },
                dev.images_per_second,
                dev.ms_per_image(),
                dev.warm_up.as_secs_f64(),
            );
        }
    }

    anyhow::ensure!(
        agrees || args.precision != Precision::F32,
        "the device's f32 output differs from the CPU's beyond the limits \
         (relative L2 {}, boxes within 1 px)",
        args.max_relative_l2
    );
    Ok(())
}
