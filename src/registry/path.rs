//! Where a crate's file lives in a sparse index: `1/a`, `2/ab`, `3/a/abc`,
//! `ab/cd/abcd…`, always lowercased (crate names are case-insensitive).

/// The index path of `krate`, relative to the index root.
///
/// Returns `None` for a name that cannot be a crate name (empty, or with a
/// character other than ASCII letters, digits, `-` and `_`), so a hostile
/// name can never climb out of the index (`../`) or the cache directory.
pub(crate) fn index_path(krate: &str) -> Option<String> {
    if krate.is_empty()
        || !krate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let name = krate.to_ascii_lowercase();
    Some(match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_index_layout() {
        assert_eq!(index_path("a").as_deref(), Some("1/a"));
        assert_eq!(index_path("ab").as_deref(), Some("2/ab"));
        assert_eq!(index_path("abc").as_deref(), Some("3/a/abc"));
        assert_eq!(index_path("abcd").as_deref(), Some("ab/cd/abcd"));
        assert_eq!(
            index_path("serde_json").as_deref(),
            Some("se/rd/serde_json")
        );
        assert_eq!(index_path("Inflector").as_deref(), Some("in/fl/inflector"));
        assert_eq!(index_path("FOO").as_deref(), Some("3/f/foo"));
        assert_eq!(index_path("a-b").as_deref(), Some("3/a/a-b"));
    }

    #[test]
    fn hostile_names_have_no_path() {
        for bad in ["", "../etc", "a/b", "a b", "é", "a.b"] {
            assert_eq!(index_path(bad), None, "{bad:?}");
        }
    }
}
