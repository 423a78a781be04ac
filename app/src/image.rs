//! Turning the file the user picked into pixels.

use netball_app::js::error_text;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, ColorSpaceConversion, File, HtmlCanvasElement, ImageBitmap,
    ImageBitmapOptions, PremultiplyAlpha,
};

/// A decoded image: the bitmap to draw, and its RGBA pixels for the detector.
pub struct DecodedImage {
    pub bitmap: ImageBitmap,
    pub width: u32,
    pub height: u32,
    /// `width * height * 4` bytes, rows top to bottom.
    pub rgba: js_sys::ArrayBuffer,
}

/// Decodes any image format the browser knows.
///
/// Colour management and alpha premultiplication are turned off so the pixels are the file's own
/// values, the same a native decoder gives: otherwise boxes could differ from the server's.
pub async fn decode(file: &File) -> Result<DecodedImage, String> {
    let window = web_sys::window().ok_or("no window")?;
    let options = ImageBitmapOptions::new();
    options.set_color_space_conversion(ColorSpaceConversion::None);
    options.set_premultiply_alpha(PremultiplyAlpha::None);
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
        .map_err(|e| format!("cannot read {}: {}", file.name(), error_text(&e)))?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|e| {
            format!(
                "{} is not an image this browser can decode: {}",
                file.name(),
                error_text(&e)
            )
        })?
        .unchecked_into();
    let (width, height) = (bitmap.width(), bitmap.height());
    let rgba =
        pixels(&bitmap).map_err(|e| format!("cannot read the pixels: {}", error_text(&e)))?;
    Ok(DecodedImage {
        bitmap,
        width,
        height,
        rgba,
    })
}

/// Draws the bitmap on an offscreen canvas and reads it back.
fn pixels(bitmap: &ImageBitmap) -> Result<js_sys::ArrayBuffer, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.unchecked_into();
    canvas.set_width(bitmap.width());
    canvas.set_height(bitmap.height());
    // A CPU-backed canvas: one read-back, and no GPU rounding in the pixels.
    let attributes = js_sys::Object::new();
    js_sys::Reflect::set(&attributes, &"willReadFrequently".into(), &JsValue::TRUE)?;
    let context: CanvasRenderingContext2d = canvas
        .get_context_with_context_options("2d", &attributes)?
        .ok_or("the browser has no 2D canvas")?
        .unchecked_into();
    context.draw_image_with_image_bitmap(bitmap, 0.0, 0.0)?;
    let data = context.get_image_data(
        0.0,
        0.0,
        f64::from(bitmap.width()),
        f64::from(bitmap.height()),
    )?;
    // The ImageData's own buffer, so it can be transferred to the worker without a copy.
    let array: js_sys::Uint8ClampedArray =
        js_sys::Reflect::get(&data, &"data".into())?.unchecked_into();
    Ok(array.buffer())
}
