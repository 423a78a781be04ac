//! Headless Chromium under chromedriver, with guards that clean up even when a test fails.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::ops::Deref;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

/// Which of the app's two inference paths a browser should take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gpu {
    /// `--enable-unsafe-webgpu`: headless Chromium offers a SwiftShader (CPU-emulated) WebGPU
    /// adapter, so the app's WebGPU path runs without a GPU.
    WebGpu,
    /// No WebGPU adapter at all: the app falls back to Burn's Flex backend in wasm.
    None,
}

impl Gpu {
    fn args(self) -> &'static [&'static str] {
        match self {
            Gpu::WebGpu => &["--enable-unsafe-webgpu"],
            Gpu::None => &["--disable-gpu"],
        }
    }
}

/// A chromedriver process. Dropping it kills chromedriver and every browser it started: they
/// share its process group.
pub struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    pub fn start() -> Self {
        let binary =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port();
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {binary} ({e}): install chromium-driver or set CHROMEDRIVER")
            });
        let driver = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }

    /// Opens a fresh browser (its own empty profile).
    pub async fn session(&self, gpu: Gpu) -> Session {
        let profile = tempfile::tempdir().expect("creating a browser profile folder");
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--window-size=1200,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.extend(gpu.args().iter().map(|a| a.to_string()));
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": args,
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("built as an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("starting a WebDriver session");
        Session {
            client: Some(client),
            _profile: profile,
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child's process group; no memory is involved.
        unsafe {
            libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// A WebDriver session; dropping it closes the browser. Needs a multi-threaded Tokio runtime
/// (the close is awaited from `drop`).
pub struct Session {
    client: Option<Client>,
    _profile: TempDir,
}

impl Deref for Session {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(async {
                    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
                })
            });
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("finding a free port")
        .port()
}
