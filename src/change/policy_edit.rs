//! Adding versions to pin.toml's `[[vetted]]` and `[[denied]]` lists with
//! toml_edit, keeping every comment and the order of everything else: the
//! one way `allow` and `deny` record releases.

use toml_edit::{Array, ArrayOfTables, Item, Table, Value};

/// Adds `version` to the entry of `list` for `krate` whose other keys
/// equal `fields` (`None`: the key is absent), else appends a new entry
/// with `crate`, `versions` and those fields, in that order.
pub(crate) fn add_version(
    list: &mut ArrayOfTables,
    krate: &str,
    version: &str,
    fields: &[(&str, Option<Value>)],
) {
    let same = list.iter_mut().find(|t| {
        t.get("crate").and_then(Item::as_str) == Some(krate)
            && fields
                .iter()
                .all(|(k, want)| same_value(t.get(k).and_then(Item::as_value), want.as_ref()))
    });
    if let Some(a) = same
        .and_then(|t| t.get_mut("versions"))
        .and_then(Item::as_array_mut)
    {
        a.push(version);
        return;
    }
    let mut t = Table::new();
    t.insert("crate", toml_edit::value(krate));
    let mut a = Array::new();
    a.push(version);
    t.insert("versions", toml_edit::value(a));
    for (k, v) in fields {
        if let Some(v) = v {
            t.insert(k, Item::Value(v.clone()));
        }
    }
    list.push(t);
}

/// Two values alike: strings by their text (whatever the quoting), the
/// rest as TOML writes them.
fn same_value(have: Option<&Value>, want: Option<&Value>) -> bool {
    match (have, want) {
        (None, None) => true,
        (Some(a), Some(b)) => match (a.as_str(), b.as_str()) {
            (Some(x), Some(y)) => x == y,
            _ => a.to_string().trim() == b.to_string().trim(),
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_join_the_entry_with_the_same_fields_only() {
        let mut doc: toml_edit::DocumentMut =
            "[[vetted]]\ncrate = 'a' # core\nversions = [\"1.0.0\"]\nreason = 'read'\n"
                .parse()
                .unwrap();
        let list = doc["vetted"].as_array_of_tables_mut().unwrap();
        add_version(list, "a", "1.1.0", &[("reason", Some("read".into()))]);
        add_version(
            list,
            "a",
            "1.2.0",
            &[("reason", Some("read".into())), ("by", Some("Ana".into()))],
        );
        assert_eq!(
            doc.to_string(),
            "[[vetted]]\ncrate = 'a' # core\nversions = [\"1.0.0\", \"1.1.0\"]\nreason = 'read'\n\n[[vetted]]\ncrate = \"a\"\nversions = [\"1.2.0\"]\nreason = \"read\"\nby = \"Ana\"\n"
        );
    }
}
