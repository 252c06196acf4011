//! A stable sort for the short lists the section orders (a user's factors, a token's sign-in
//! methods): an insertion sort, a few dozen bytes of wasm in place of the several KB of std's
//! `sort_by`, which every page's first load would carry.

/// Sorts `items` so that none comes before one it goes `after`, keeping the order of the others.
pub(crate) fn stable<T>(items: &mut [T], after: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && after(&items[j - 1], &items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::stable;

    #[test]
    fn sorts_and_keeps_ties_in_order() {
        let mut v = [(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        stable(&mut v, |a, b| a.0 > b.0);
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        let mut empty: [u8; 0] = [];
        stable(&mut empty, |a, b| a > b);
    }
}
