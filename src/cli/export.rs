//! `oktagraph export`: an account's graph as JSON lines (one object per node or relationship) or GraphML.

use super::args::{ExportArgs, ExportFormat, GlobalArgs};
use super::commands::{account_keys, connect};
use crate::error::{CliError, ExitCode};
use crate::graph::export::{self, Part};
use crate::graph::JsonRow;
use serde_json::{json, Value};
use std::io::Write;

pub async fn run(g: &GlobalArgs, args: &ExportArgs) -> Result<ExitCode, CliError> {
    let (_, graph) = connect(g).await?;
    let keys = account_keys(&graph, args.account.as_deref()).await?;
    let out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| CliError::usage(format!("cannot write {}: {e}", p.display())))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(out);
    let io = |e: std::io::Error| CliError::failure(format!("writing the export failed: {e}"));
    let mut sink = match args.format {
        ExportFormat::Jsonl => Sink::Jsonl,
        ExportFormat::Graphml => {
            writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>").map_err(io)?;
            writeln!(out, "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">").map_err(io)?;
            writeln!(out, "  <key id=\"labels\" for=\"node\" attr.name=\"labels\" attr.type=\"string\"/>").map_err(io)?;
            writeln!(out, "  <key id=\"props\" for=\"all\" attr.name=\"properties\" attr.type=\"string\"/>").map_err(io)?;
            writeln!(out, "  <key id=\"type\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>").map_err(io)?;
            writeln!(out, "  <graph id=\"oktagraph\" edgedefault=\"directed\">").map_err(io)?;
            Sink::Graphml
        }
    };
    for key in &keys {
        for part in [Part::Nodes, Part::SharedNodes] {
            export::each(&graph, key, part, |row| sink.node(&mut out, row)).await?.map_err(io)?;
        }
        export::each(&graph, key, Part::Edges, |row| sink.edge(&mut out, row)).await?.map_err(io)?;
    }
    if matches!(sink, Sink::Graphml) {
        writeln!(out, "  </graph>\n</graphml>").map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(ExitCode::Success)
}

enum Sink {
    Jsonl,
    Graphml,
}

fn col(row: &JsonRow, c: &str) -> Value {
    row.get(c).cloned().unwrap_or(Value::Null)
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn text(v: &Value) -> String {
    v.as_str().map(String::from).unwrap_or_else(|| v.to_string())
}

impl Sink {
    fn node(&mut self, out: &mut impl Write, row: &JsonRow) -> std::io::Result<()> {
        let (labels, key, props) = (col(row, "labels"), col(row, "key"), col(row, "props"));
        match self {
            Sink::Jsonl => writeln!(out, "{}", json!({"kind": "node", "key": key, "labels": labels, "properties": props})),
            Sink::Graphml => {
                let labels: Vec<String> = labels.as_array().map(|l| l.iter().map(text).collect()).unwrap_or_default();
                writeln!(
                    out,
                    "    <node id=\"{}\"><data key=\"labels\">{}</data><data key=\"props\">{}</data></node>",
                    xml(&text(&key)),
                    xml(&labels.join(":")),
                    xml(&props.to_string())
                )
            }
        }
    }

    fn edge(&mut self, out: &mut impl Write, row: &JsonRow) -> std::io::Result<()> {
        let (ty, from, to, props) = (col(row, "type"), col(row, "from"), col(row, "to"), col(row, "props"));
        match self {
            Sink::Jsonl => writeln!(out, "{}", json!({"kind": "relationship", "type": ty, "from": from, "to": to, "properties": props})),
            Sink::Graphml => writeln!(
                out,
                "    <edge source=\"{}\" target=\"{}\"><data key=\"type\">{}</data><data key=\"props\">{}</data></edge>",
                xml(&text(&from)),
                xml(&text(&to)),
                xml(&text(&ty)),
                xml(&props.to_string())
            ),
        }
    }
}
