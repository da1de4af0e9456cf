//! Record properties to Bolt parameters, and the content hash that lets an unchanged record skip its write.

use crate::model::{Prop, Props};
use neo4rs::{BoltList, BoltMap, BoltString, BoltType};

pub(crate) fn prop_to_bolt(p: &Prop) -> BoltType {
    match p {
        Prop::Str(s) => BoltType::String(BoltString::new(s)),
        Prop::Int(i) => BoltType::from(*i),
        Prop::Float(f) => BoltType::from(*f),
        Prop::Bool(b) => BoltType::from(*b),
        Prop::DateTime(d) => BoltType::from(*d),
        Prop::List(items) => {
            let mut l = BoltList::with_capacity(items.len());
            for i in items {
                l.push(prop_to_bolt(i));
            }
            BoltType::List(l)
        }
    }
}

pub fn props_to_bolt(props: &Props) -> BoltType {
    let mut m = BoltMap::with_capacity(props.len());
    for (k, v) in props {
        m.put(BoltString::new(k), prop_to_bolt(v));
    }
    BoltType::Map(m)
}

/// A stable 64-bit FNV-1a hash of the properties (sorted by name, typed), as hex. Stable across builds
/// and platforms, unlike `std`'s hasher, because it is stored in the graph and compared on later syncs.
pub fn props_hash(props: &Props) -> String {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    h.write(b"v1");
    for (k, v) in props {
        h.write(k.as_bytes());
        h.write(&[0xff]);
        hash_prop(&mut h, v);
    }
    format!("{:016x}", h.0)
}

struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn hash_prop(h: &mut Fnv, p: &Prop) {
    match p {
        Prop::Str(s) => {
            h.write(b"s");
            h.write(&(s.len() as u64).to_le_bytes());
            h.write(s.as_bytes());
        }
        Prop::Int(i) => {
            h.write(b"i");
            h.write(&i.to_le_bytes());
        }
        Prop::Float(f) => {
            h.write(b"f");
            h.write(&f.to_bits().to_le_bytes());
        }
        Prop::Bool(b) => h.write(if *b { b"T" } else { b"F" }),
        Prop::DateTime(d) => {
            h.write(b"d");
            h.write(d.to_rfc3339().as_bytes());
        }
        Prop::List(items) => {
            h.write(b"l");
            h.write(&(items.len() as u64).to_le_bytes());
            for i in items {
                hash_prop(h, i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_sensitive() {
        let mut a = Props::new();
        a.insert("name".into(), "x".into());
        a.insert("n".into(), Prop::Int(1));
        let h1 = props_hash(&a);
        assert_eq!(h1, props_hash(&a.clone()));
        let mut b = a.clone();
        b.insert("n".into(), Prop::Str("1".into()));
        assert_ne!(h1, props_hash(&b), "type changes change the hash");
        let mut c = a.clone();
        c.remove("n");
        assert_ne!(h1, props_hash(&c), "removed attributes change the hash");
        // Pinned: the hash is stored in users' graphs, so it must never change between releases.
        assert_eq!(props_hash(&Props::new()), "08cf0b07b5709128");
    }
}
