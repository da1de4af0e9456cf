//! Every statement the benchmark runs, loaded from `cypher/*.cypher`. Values are always parameters;
//! labels and relationship types, which Cypher cannot take as parameters, are `{{NAME}}` placeholders
//! filled from oktagraph's static kinds table (as the product's own per-type statements are).

use oktagraph::model::kinds::{is_identifier, NodeKind, RelKind};

macro_rules! statements {
    ($($name:ident = $file:literal;)*) => {
        $(pub(crate) const $name: &str = include_str!(concat!("../cypher/", $file, ".cypher"));)*
        #[cfg(test)]
        const ALL: &[&str] = &[$($name),*];
    };
}

statements! {
    PER_OBJECT_NODE = "per_object_node";
    PER_OBJECT_EDGE = "per_object_edge";
    WHOLE_LIST_NODES = "whole_list_nodes";
    WHOLE_LIST_EDGES = "whole_list_edges";
    FINGERPRINT_NODES = "fingerprint_nodes";
    FINGERPRINT_EDGES = "fingerprint_edges";
    FINGERPRINT_SHARED_NODES = "fingerprint_shared_nodes";
    COUNT_NODES = "count_nodes";
    COUNT_EDGES = "count_edges";
    SHARED_KEYS = "shared_keys";
    SHARED_KEYS_SINCE = "shared_keys_since";
    DELETE_SYNC_RUNS = "delete_sync_runs";
    DELETE_EDGES = "delete_edges";
    DELETE_NODES = "delete_nodes";
    DELETE_ORPHANS = "delete_orphans";
    DELETE_PREFIXED = "delete_prefixed";
    MEMORY_SETTINGS = "memory_settings";
}

fn label(s: &str) -> &str {
    // Labels come from the static kinds table; this guard keeps a future typo from becoming injection.
    assert!(is_identifier(s), "not a Cypher identifier: {s}");
    s
}

/// The statement without its `//` comment lines.
pub(crate) fn text(template: &str) -> String {
    template.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// `template` for one node type: `{{TYPE}}` and `{{CLASSES}}` (`:Label:Label`).
pub(crate) fn for_node(template: &str, kind: &NodeKind) -> String {
    let classes: String = kind.classes.iter().map(|c| format!(":{}", label(c))).collect();
    text(template).replace("{{TYPE}}", label(kind.type_name)).replace("{{CLASSES}}", &classes)
}

/// `template` for one relationship type: `{{FROM}}`, `{{CLASS}}` and `{{TO}}`.
pub(crate) fn for_rel(template: &str, kind: &RelKind) -> String {
    text(template)
        .replace("{{FROM}}", label(kind.from.type_name))
        .replace("{{CLASS}}", label(kind.class))
        .replace("{{TO}}", label(kind.to.type_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oktagraph::model::kinds::{NODE_KINDS, REL_KINDS};

    #[test]
    fn every_placeholder_is_filled() {
        for t in ALL {
            for k in NODE_KINDS {
                let q = for_node(t, k);
                // A node template fills its own placeholders; a relationship template keeps its three.
                if !t.contains("{{FROM}}") {
                    assert!(!q.contains("{{"), "{q}");
                }
            }
            for r in REL_KINDS {
                let q = for_rel(t, r);
                if !t.contains("{{TYPE}}") {
                    assert!(!q.contains("{{"), "{q}");
                }
            }
        }
        let q = for_node(PER_OBJECT_NODE, &oktagraph::model::kinds::USER);
        assert!(q.contains("(n:okta_user {_key: $key})") && q.contains("SET n:User"), "{q}");
        assert!(!q.contains("//"), "{q}");
    }
}
