//! Renders a document JSON file to PDF, timing the font scan and the render.
//!
//! `cargo run --release -p mamoru-report --example render -- crates/mamoru-report/examples/sample.json out.pdf`

use std::process::ExitCode;
use std::time::Instant;

use mamoru_report::{Document, Fonts, render_pdf};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: render <document.json> <out.pdf>");
        return ExitCode::from(2);
    };
    match run(input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &str, output: &str) -> Result<(), Box<dyn std::error::Error>> {
    let doc: Document = serde_json::from_slice(&std::fs::read(input)?)?;
    let start = Instant::now();
    let fonts = Fonts::discover()?;
    let (body, heading) = fonts.chosen();
    eprintln!("fonts: body {body:?}, headings {heading:?} ({:.0?})", start.elapsed());
    for round in ["first", "second"] {
        let start = Instant::now();
        let pdf = render_pdf(&doc, &fonts)?;
        eprintln!("{round} render: {} bytes in {:.0?}", pdf.len(), start.elapsed());
        std::fs::write(output, &pdf)?;
    }
    let missing: Vec<&str> = doc.missing().iter().map(|f| f.label.as_str()).collect();
    if !missing.is_empty() {
        eprintln!("not filled in: {}", missing.join("、"));
    }
    Ok(())
}
