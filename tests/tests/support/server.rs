//! The real server's routes, in-process on a free local port.

use std::net::SocketAddr;
use std::path::PathBuf;

use netball_server::serve::{ServeConfig, router};
use tokio::task::JoinHandle;

/// A running server; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Server {
    pub async fn start(dist: PathBuf, model: PathBuf) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a local port");
        let addr = listener.local_addr().expect("the bound address");
        let app = router(ServeConfig { dist, model });
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serving");
        });
        Self { addr, task }
    }

    /// The URL of a path on this server (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}
