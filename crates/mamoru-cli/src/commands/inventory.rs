//! `mamoru inventory`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use mamoru_app::Principal;
use mamoru_app::import::ExportFormat;
use mamoru_inventory::{CsvEncoding, Headers};

use crate::commands::org::pick;
use crate::data::{DEFAULT_DIR, DataArgs};
use crate::output::{japanese, say};

/// Import or export the asset register (台帳).
#[derive(Debug, Subcommand)]
pub(crate) enum InventoryCommand {
    /// Import a register file: CSV (UTF-8 or Shift_JIS, detected), tab-separated text, or
    /// .xlsx, with Japanese or English headers.
    ///
    /// All or nothing: a file with any bad row is refused whole, every bad row is listed
    /// with its line, column and reason, nothing stored changes, and the exit code is 1.
    /// Assets are matched by facility and name, so importing the same file again updates
    /// and never duplicates; facilities and vendors the file names are created.
    Import(Import),
    /// Export the register as CSV, Excel or JSON (to stdout, or to a file with -o).
    Export(Export),
}

#[derive(Debug, Args)]
pub(crate) struct Import {
    /// The register file.
    file: PathBuf,
    /// The organisation (needed when there are several; created if there is none yet).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// Facility for files without a facility column.
    #[arg(long, value_name = "NAME")]
    facility: Option<String>,
    /// Check the file and say what would change, changing nothing.
    #[arg(long)]
    dry_run: bool,
    /// Output: `text` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Output {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct Export {
    /// `csv` (UTF-8 with BOM, opens in Excel), `csv-sjis` (Shift_JIS), `xlsx` or `json`.
    #[arg(long, value_enum, default_value_t = ExportKind::Csv)]
    format: ExportKind,
    /// Header language for CSV and Excel.
    #[arg(long, value_enum, default_value_t = HeaderLang::Ja)]
    headers: HeaderLang,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The organisation (needed when there are several).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ExportKind {
    Csv,
    CsvSjis,
    Xlsx,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum HeaderLang {
    Ja,
    En,
}

impl InventoryCommand {
    pub(crate) async fn run(self, data: &DataArgs) -> anyhow::Result<ExitCode> {
        let app = data.open(DEFAULT_DIR).await?;
        match self {
            InventoryCommand::Import(i) => import(&app, i).await,
            InventoryCommand::Export(e) => export(&app, e).await,
        }
    }
}

async fn import(app: &mamoru_app::App, i: Import) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&i.file).with_context(|| format!("cannot read {}", i.file.display()))?;
    let file_name =
        i.file.file_name().map_or_else(|| i.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let org = match pick(app, i.org.as_deref()).await {
        Ok(org) => org,
        Err(_) if app.store().orgs().await?.is_empty() && i.dry_run => {
            anyhow::bail!(
                "there is no organisation yet, and a dry run creates none: import without --dry-run, or create one with `mamoru org add NAME`"
            )
        }
        Err(_) if app.store().orgs().await?.is_empty() => {
            let name = i.org.clone().unwrap_or_else(|| "自施設".to_owned());
            let id = app.create_org(&name).await?;
            eprintln!("{} {name}", say("組織を作成しました:", "created organisation"));
            id
        }
        Err(e) => return Err(e),
    };
    let p = Principal::cli(org);
    let facility = match &i.facility {
        Some(name) => Some(
            app.facilities(&p)
                .await?
                .into_iter()
                .find(|f| &f.draft.name == name)
                .with_context(|| format!("--facility: no facility named {name:?}"))?
                .id,
        ),
        None => None,
    };
    let result = if i.dry_run {
        app.check_import(&p, &file_name, &bytes, facility).await
    } else {
        app.import_register(&p, &file_name, &bytes, facility).await
    };
    match result {
        Ok(s) => {
            match i.format {
                Output::Json => println!(
                    "{}",
                    serde_json::json!({
                        "file": file_name,
                        "dry_run": i.dry_run,
                        "created": s.created,
                        "updated": s.updated,
                        "unchanged": s.unchanged,
                        "facilities_created": s.facilities_created,
                        "vendors_created": s.vendors_created,
                    })
                ),
                Output::Text => {
                    let verb = if i.dry_run {
                        say("取り込むと", "would import")
                    } else {
                        say("取り込みました", "imported")
                    };
                    println!("{file_name}: {verb}");
                    println!("  {}: {}", say("新規", "created"), s.created);
                    println!("  {}: {}", say("更新", "updated"), s.updated);
                    println!("  {}: {}", say("変更なし", "unchanged"), s.unchanged);
                    if !s.facilities_created.is_empty() {
                        println!("  {}: {}", say("新しい施設", "facilities created"), s.facilities_created.join(", "));
                    }
                    if !s.vendors_created.is_empty() {
                        println!("  {}: {}", say("新しい業者", "vendors created"), s.vendors_created.join(", "));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(mamoru_app::Error::Rejected { file, errors }) => {
            match i.format {
                Output::Json => {
                    let rows: Vec<_> = errors
                        .iter()
                        .map(|e| serde_json::json!({ "line": e.line, "column": e.column, "field": e.field, "reason": e.problem.to_string() }))
                        .collect();
                    println!("{}", serde_json::json!({ "file": file, "imported": false, "errors": rows }));
                }
                Output::Text => {
                    eprintln!(
                        "{file}: {} {}",
                        errors.len(),
                        say("件の誤りがあるため、何も取り込みませんでした", "bad row(s); nothing was imported")
                    );
                    for e in &errors {
                        eprintln!("  {}", row_error(e));
                    }
                }
            }
            Ok(ExitCode::from(1))
        }
        Err(mamoru_app::Error::File(e)) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

/// One bad row for the terminal: `file line 5, column "IPアドレス" (ip): …`.
fn row_error(e: &mamoru_inventory::RowError) -> String {
    if !japanese() {
        return e.to_string();
    }
    let column = e.column.as_deref().or(e.field).unwrap_or("");
    format!("{}行目 「{column}」: {}", e.line, e.problem)
}

async fn export(app: &mamoru_app::App, e: Export) -> anyhow::Result<ExitCode> {
    let org = pick(app, e.org.as_deref()).await?;
    let headers = match e.headers {
        HeaderLang::Ja => Headers::Japanese,
        HeaderLang::En => Headers::English,
    };
    let format = match e.format {
        ExportKind::Csv => ExportFormat::Csv(headers, CsvEncoding::Utf8Bom),
        ExportKind::CsvSjis => ExportFormat::Csv(headers, CsvEncoding::ShiftJis),
        ExportKind::Xlsx => ExportFormat::Xlsx(headers),
        ExportKind::Json => ExportFormat::Json,
    };
    let bytes = app.export_register(&Principal::cli(org), format).await?;
    match &e.output {
        Some(path) => std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error.
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write to standard output")?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
