//! Option parsers shared by subcommands.

/// A duration such as "90s", "15m", "1h30m" or plain seconds, in seconds.
pub fn parse_duration(s: &str) -> Result<f64, String> {
    if let Ok(seconds) = s.parse::<f64>() {
        return if seconds > 0.0 && seconds.is_finite() {
            Ok(seconds)
        } else {
            Err(format!("`{s}` is not a positive number of seconds"))
        };
    }
    humantime::parse_duration(s)
        .map(|d| d.as_secs_f64())
        .map_err(|e| format!("`{s}` is not a duration like 90s, 15m or 1h: {e}"))
        .and_then(|d| {
            if d > 0.0 {
                Ok(d)
            } else {
                Err("the duration must be positive".into())
            }
        })
}

/// A progress bar counting `unit`s, with the rate and the time left.
pub fn progress_bar(len: u64, unit: &str) -> indicatif::ProgressBar {
    let template = format!("{{prefix}}{{bar:40}} {{pos}}/{{len}} {unit}, {{per_sec}}, eta {{eta}}");
    indicatif::ProgressBar::new(len)
        .with_style(indicatif::ProgressStyle::with_template(&template).expect("valid template"))
}

/// "WIDTHxHEIGHT".
pub fn parse_resolution(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("`{s}` is not WIDTHxHEIGHT, e.g. 1920x1080"))?;
    let number = |v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{s}` is not WIDTHxHEIGHT, e.g. 1920x1080"))
    };
    Ok((number(w)?, number(h)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_resolutions_parse() {
        assert_eq!(parse_duration("90s"), Ok(90.0));
        assert_eq!(parse_duration("15m"), Ok(900.0));
        assert_eq!(parse_duration("1h"), Ok(3600.0));
        assert_eq!(parse_duration("2.5"), Ok(2.5));
        assert!(parse_duration("-3").is_err());
        assert!(parse_duration("soon").is_err());
        assert_eq!(parse_resolution("3840x2160"), Ok((3840, 2160)));
        assert!(parse_resolution("1920").is_err());
        assert!(parse_resolution("axb").is_err());
    }
}
