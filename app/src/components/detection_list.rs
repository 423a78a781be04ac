//! The detections as a table, and as JSON for machines.

use leptos::prelude::*;
use netball_app::protocol::Detection;

use crate::state::RunState;

/// A table of the detections, and `#detections`: a `<pre>` whose `data-status` is the run's state
/// (`idle`, `running`, `done`, `error`) and whose text, once done, is the detections as JSON, the
/// same serialisation the server uses. The browser test compares it with native results.
#[component]
pub fn DetectionList(#[prop(into)] run: Signal<RunState>) -> impl IntoView {
    let detections = Memo::new(move |_| run.with(|r| r.detections().to_vec()));
    let json = move || {
        run.with(|r| match r {
            RunState::Done { detections, .. } => {
                serde_json::to_string(detections).unwrap_or_else(|e| e.to_string())
            }
            _ => String::new(),
        })
    };
    let status = move || run.with(RunState::status);
    view! {
        <Show when=move || !detections.with(Vec::is_empty)>
            <table class="detections">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>"Class"</th>
                        <th>"Confidence"</th>
                        <th>"Box (x1, y1) – (x2, y2), pixels"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        detections
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, d)| row(i, d))
                            .collect_view()
                    }}
                </tbody>
            </table>
        </Show>
        <details class="raw">
            <summary>"Raw JSON"</summary>
            <pre id="detections" data-status=status>{json}</pre>
        </details>
    }
}

fn row(index: usize, d: Detection) -> impl IntoView {
    let b = d.bbox;
    view! {
        <tr>
            <td>{index + 1}</td>
            <td>{d.label}</td>
            <td>{format!("{:.1}%", d.score * 100.0)}</td>
            <td>{format!("({:.0}, {:.0}) – ({:.0}, {:.0})", b.x1, b.y1, b.x2, b.y2)}</td>
        </tr>
    }
}
