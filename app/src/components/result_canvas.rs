//! The picked image with the detected boxes drawn on it.

use leptos::prelude::*;
use netball_app::protocol::Detection;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

/// Box colours by class id (the model's first classes: green for `Normal`, red for `Fall` in the
/// fall model); further classes cycle through the rest.
const COLOURS: [&str; 6] = [
    "#2e9d4f", "#d62f2f", "#2f6fd6", "#d68a2f", "#8a2fd6", "#2fb5c4",
];

/// Redraws whenever the image or the detections change. The canvas has the image's own size (CSS
/// scales it down), so boxes are drawn in image pixels.
#[component]
pub fn ResultCanvas(
    image: RwSignal<Option<ImageBitmap>, LocalStorage>,
    #[prop(into)] detections: Signal<Vec<Detection>>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let draw_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let detections = detections.get();
        image.with(|bitmap| {
            if let (Some(canvas), Some(bitmap)) = (canvas.get(), bitmap) {
                draw_error.set(draw(&canvas, bitmap, &detections).err());
            }
        });
    });
    view! {
        <canvas
            node_ref=canvas
            class="result"
            class:hidden=move || image.with(Option::is_none)
            aria-label="The picked image with the detected objects outlined"
        ></canvas>
        {move || draw_error.get().map(|e| view! { <p class="status error">"Drawing failed: " {e}</p> })}
    }
}

fn draw(
    canvas: &HtmlCanvasElement,
    bitmap: &ImageBitmap,
    detections: &[Detection],
) -> Result<(), String> {
    canvas.set_width(bitmap.width());
    canvas.set_height(bitmap.height());
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or("the browser has no 2D canvas")?
        .unchecked_into();
    context
        .draw_image_with_image_bitmap(bitmap, 0.0, 0.0)
        .map_err(|e| netball_app::js::error_text(&e))?;

    // Lines and labels scale with the image so they stay readable on large photos.
    let scale = f64::from(bitmap.width().max(bitmap.height())) / 640.0;
    let line = (2.0 * scale).max(2.0);
    let font = (14.0 * scale).max(12.0);
    context.set_line_width(line);
    context.set_font(&format!("{font:.0}px sans-serif"));
    for detection in detections {
        let colour = COLOURS[detection.class_id % COLOURS.len()];
        let b = detection.bbox;
        let (x, y) = (f64::from(b.x1), f64::from(b.y1));
        context.set_stroke_style_str(colour);
        context.stroke_rect(x, y, f64::from(b.width()), f64::from(b.height()));

        let label = format!("{} {:.0}%", detection.label, detection.score * 100.0);
        let text_width = context
            .measure_text(&label)
            .map(|m| m.width())
            .unwrap_or_default();
        let pad = font * 0.25;
        let height = font + 2.0 * pad;
        // Above the box, or inside it when the box touches the top edge.
        let top = if y >= height { y - height } else { y };
        context.set_fill_style_str(colour);
        context.fill_rect(x, top, text_width + 2.0 * pad, height);
        context.set_fill_style_str("#fff");
        context
            .fill_text(&label, x + pad, top + pad + font * 0.85)
            .map_err(|e| netball_app::js::error_text(&e))?;
    }
    Ok(())
}
