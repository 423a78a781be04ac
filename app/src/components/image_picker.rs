//! The file input.

use leptos::prelude::*;
use web_sys::{File, HtmlInputElement};

/// `<input type="file" id="image-input">`; calls `on_pick` with each chosen image. Disabled while
/// the model loads or an image is being analysed.
#[component]
pub fn ImagePicker(#[prop(into)] disabled: Signal<bool>, on_pick: Callback<File>) -> impl IntoView {
    let on_change = move |event: web_sys::Event| {
        let input: HtmlInputElement = event_target(&event);
        let file = input.files().and_then(|files| files.get(0));
        // Cleared so that picking the same file again fires another change event.
        input.set_value("");
        if let Some(file) = file {
            on_pick.run(file);
        }
    };
    view! {
        <label class="picker">
            "Image: "
            <input
                type="file"
                accept="image/*"
                id="image-input"
                disabled=disabled
                on:change=on_change
            />
        </label>
    }
}
