//! The HTTP server: the browser app (Trunk's `dist/`) and the model it loads.
//!
//! Every response carries the cross-origin isolation headers (COOP/COEP) that browsers require
//! before they allow `SharedArrayBuffer`, which multi-threaded wasm needs.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What the server hands out.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The built app (`trunk build --release` writes it to `dist/`).
    pub dist: PathBuf,
    /// The model file served at `/models/default.bpk`.
    pub model: PathBuf,
}

/// The routes, for `serve` and for tests that drive the app in-process.
pub fn router(config: ServeConfig) -> Router {
    let isolation = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    Router::new()
        .route_service("/models/default.bpk", ServeFile::new(config.model))
        .fallback_service(ServeDir::new(config.dist))
        .layer(isolation("cross-origin-opener-policy", "same-origin"))
        .layer(isolation("cross-origin-embedder-policy", "require-corp"))
        .layer(TraceLayer::new_for_http())
}

/// Serves until Ctrl-C.
pub async fn run(config: ServeConfig, addr: SocketAddr) -> Result<()> {
    if !config.dist.join("index.html").is_file() {
        anyhow::bail!(
            "{} has no index.html: build the app first (`trunk build --release`)",
            config.dist.display()
        );
    }
    if !config.model.is_file() {
        anyhow::bail!(
            "no model at {}: import one with `netball model import <checkpoint>`",
            config.model.display()
        );
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    tracing::info!("serving the app on http://{}", listener.local_addr()?);
    axum::serve(listener, router(config))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    fn app(dir: &std::path::Path) -> Router {
        std::fs::write(dir.join("index.html"), "<html></html>").unwrap();
        std::fs::write(dir.join("model.bpk"), [1u8, 2, 3]).unwrap();
        router(ServeConfig {
            dist: dir.to_path_buf(),
            model: dir.join("model.bpk"),
        })
    }

    async fn get(app: Router, uri: &str) -> axum::http::Response<Body> {
        app.oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn serves_the_app_and_the_model_cross_origin_isolated() {
        let dir = tempfile::tempdir().unwrap();
        let res = get(app(dir.path()), "/").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["cross-origin-opener-policy"], "same-origin");
        assert_eq!(
            res.headers()["cross-origin-embedder-policy"],
            "require-corp"
        );
        let res = get(app(dir.path()), "/models/default.bpk").await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn unknown_and_hostile_paths_are_not_found() {
        let dir = tempfile::tempdir().unwrap();
        for uri in ["/nope.js", "/../Cargo.toml", "/%2e%2e/%2e%2e/etc/passwd"] {
            let res = get(app(dir.path()), uri).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{uri}");
        }
    }
}
