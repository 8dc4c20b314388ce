//! The one parallel loop: work that is mostly waiting on the filesystem
//! (reading 400 manifests, staging and fsyncing 400 files) split into
//! chunks, one scoped thread each.

/// `f` over `items`, results in order, on up to `threads` threads; done
/// in this thread when there are too few items to be worth it. `None`
/// when a worker panicked.
pub(crate) fn map_chunked<'a, T: Sync, R: Send>(
    items: &'a [T],
    threads: usize,
    f: impl Fn(&'a T) -> R + Sync,
) -> Option<Vec<R>> {
    if threads < 2 || items.len() < 2 * threads {
        return Some(items.iter().map(f).collect());
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut all = Vec::with_capacity(items.len());
        for h in handles {
            all.extend(h.join().ok()?);
        }
        Some(all)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_their_order_on_every_path() {
        for n in [0, 3, 15, 16, 17, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let want: Vec<usize> = items.iter().map(|i| i * 2).collect();
            assert_eq!(map_chunked(&items, 8, |i| i * 2), Some(want.clone()));
            assert_eq!(map_chunked(&items, 1, |i| i * 2), Some(want));
        }
    }

    #[test]
    fn a_panicking_worker_is_none() {
        let items: Vec<usize> = (0..100).collect();
        let r = map_chunked(&items, 4, |i| {
            assert!(*i != 77, "boom");
            *i
        });
        assert_eq!(r, None);
    }
}
