//! Solana's wire transaction: signatures, then a legacy or v0 message, read and written by hand.
//!
//! The layout is small and fixed: compact-u16 lengths, 64-byte signatures, a 3-byte header,
//! 32-byte account keys, a 32-byte blockhash, instructions as indices into the keys, and (v0) the
//! address table lookups. Reading is strict where the chain is: every index must name a key,
//! counts must fit; bytes after the message are counted, for the verifier to refuse.

use super::address::Address;

/// A compiled instruction: indices into the message's account keys, and opaque data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Index of the program's key.
    pub program: u8,
    /// Indices of the accounts it is given, in order.
    pub accounts: Vec<u8>,
    /// Instruction data.
    pub data: Vec<u8>,
}

/// An address lookup table a v0 message loads accounts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// The table's address.
    pub table: Address,
    /// Indices of writable accounts in the table.
    pub writable: Vec<u8>,
    /// Indices of read-only accounts in the table.
    pub readonly: Vec<u8>,
}

/// The message's three counts: who signs, and which keys are read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Signatures required: the first keys are the signers.
    pub signers: u8,
    /// Of the signers, how many (the last ones) are read-only.
    pub readonly_signed: u8,
    /// Of the other keys, how many (the last ones) are read-only.
    pub readonly_unsigned: u8,
}

/// A message, legacy (`version` `None`) or versioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `None` for a legacy message, `Some(0)` for v0.
    pub version: Option<u8>,
    /// Signer and read-only counts.
    pub header: Header,
    /// The static account keys; the fee payer first.
    pub keys: Vec<Address>,
    /// The recent blockhash the transaction lives by.
    pub blockhash: [u8; 32],
    /// The instructions, in order.
    pub instructions: Vec<Instruction>,
    /// Address table lookups (v0 only).
    pub lookups: Vec<Lookup>,
}

/// A wire transaction: one signature slot per signer, then the message bytes they sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// One 64-byte slot per required signer, in key order (all zero when unsigned).
    pub signatures: Vec<[u8; 64]>,
    /// The bytes after the signatures, which the signatures cover: the message, then `trailing`
    /// bytes the message does not read.
    pub message_bytes: Vec<u8>,
    /// The message, decoded.
    pub message: Message,
    /// How many bytes follow the message (a validator refuses any).
    pub trailing: usize,
}

/// Why a wire transaction could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

fn err<T>(what: impl Into<String>) -> Result<T, DecodeError> {
    Err(DecodeError(what.into()))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else { return err(format!("truncated at {what}")) };
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn byte(&mut self, what: &str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    /// A compact-u16 (1–3 bytes, 7 bits each, little end first), canonical as Solana requires.
    fn length(&mut self, what: &str) -> Result<usize, DecodeError> {
        let mut value: usize = 0;
        for i in 0..3 {
            let b = self.byte(what)?;
            value |= usize::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if i > 0 && b == 0 {
                    return err(format!("non-canonical length at {what}"));
                }
                if i == 2 && b > 0x03 {
                    return err(format!("length overflows u16 at {what}"));
                }
                return Ok(value);
            }
        }
        err(format!("length overflows u16 at {what}"))
    }

    fn bytes(&mut self, what: &str) -> Result<Vec<u8>, DecodeError> {
        let n = self.length(what)?;
        Ok(self.take(n, what)?.to_vec())
    }
}

/// Appends `n` as a compact-u16.
fn put_length(out: &mut Vec<u8>, n: usize) {
    let mut n = n;
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

impl Message {
    /// Reads a message that fills `bytes` exactly.
    pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
        let (message, used) = Message::read(bytes)?;
        if used != bytes.len() {
            return err(format!("{} bytes after the message", bytes.len() - used));
        }
        Ok(message)
    }

    /// Reads a message at the start of `bytes`: the message, and how many bytes it took.
    pub fn read(bytes: &[u8]) -> Result<(Message, usize), DecodeError> {
        let mut r = Reader { bytes, at: 0 };
        let first = *bytes.first().ok_or_else(|| DecodeError("empty message".into()))?;
        let version = if first & 0x80 != 0 {
            r.at = 1;
            match first & 0x7f {
                0 => Some(0),
                v => return err(format!("message version {v} is not supported")),
            }
        } else {
            None
        };
        let header = Header {
            signers: r.byte("header")?,
            readonly_signed: r.byte("header")?,
            readonly_unsigned: r.byte("header")?,
        };
        let key_count = r.length("account keys")?;
        let mut keys = Vec::with_capacity(key_count.min(64));
        for _ in 0..key_count {
            keys.push(Address(r.array("account key")?));
        }
        let blockhash = r.array("blockhash")?;
        let count = r.length("instructions")?;
        let mut instructions = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            let program = r.byte("program index")?;
            let accounts = r.bytes("instruction accounts")?;
            let data = r.bytes("instruction data")?;
            instructions.push(Instruction { program, accounts, data });
        }
        let mut lookups = Vec::new();
        if version.is_some() {
            for _ in 0..r.length("address table lookups")? {
                let table = Address(r.array("lookup table")?);
                let writable = r.bytes("lookup indices")?;
                let readonly = r.bytes("lookup indices")?;
                lookups.push(Lookup { table, writable, readonly });
            }
        }
        let message = Message { version, header, keys, blockhash, instructions, lookups };
        message.sanitize()?;
        Ok((message, r.at))
    }

    /// The checks a validator makes before it runs anything: counts that fit the keys, indices
    /// that name an account, a writable fee payer, and no program at index 0.
    fn sanitize(&self) -> Result<(), DecodeError> {
        let h = self.header;
        let keys = self.keys.len();
        if h.signers == 0 || usize::from(h.signers) > keys {
            return err(format!("{} signers for {keys} account keys", h.signers));
        }
        if h.readonly_signed >= h.signers {
            return err("the fee payer must be a writable signer");
        }
        if usize::from(h.readonly_unsigned) > keys - usize::from(h.signers) {
            return err("more read-only unsigned accounts than unsigned accounts");
        }
        let loaded: usize = self.lookups.iter().map(|l| l.writable.len() + l.readonly.len()).sum();
        let total = keys + loaded;
        if total > 256 {
            return err(format!("{total} accounts: at most 256"));
        }
        for (i, ix) in self.instructions.iter().enumerate() {
            if ix.program == 0 || usize::from(ix.program) >= keys {
                return err(format!("instruction {i} names program index {}", ix.program));
            }
            if let Some(bad) = ix.accounts.iter().find(|&&a| usize::from(a) >= total) {
                return err(format!("instruction {i} names account index {bad} of {total}"));
            }
        }
        Ok(())
    }

    /// The message as it is signed.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        if let Some(v) = self.version {
            out.push(0x80 | v);
        }
        out.extend([
            self.header.signers,
            self.header.readonly_signed,
            self.header.readonly_unsigned,
        ]);
        put_length(&mut out, self.keys.len());
        for key in &self.keys {
            out.extend_from_slice(&key.0);
        }
        out.extend_from_slice(&self.blockhash);
        put_length(&mut out, self.instructions.len());
        for ix in &self.instructions {
            out.push(ix.program);
            put_length(&mut out, ix.accounts.len());
            out.extend_from_slice(&ix.accounts);
            put_length(&mut out, ix.data.len());
            out.extend_from_slice(&ix.data);
        }
        if self.version.is_some() {
            put_length(&mut out, self.lookups.len());
            for l in &self.lookups {
                out.extend_from_slice(&l.table.0);
                put_length(&mut out, l.writable.len());
                out.extend_from_slice(&l.writable);
                put_length(&mut out, l.readonly.len());
                out.extend_from_slice(&l.readonly);
            }
        }
        out
    }

    /// Whether the static key at `index` signs.
    pub fn is_signer(&self, index: usize) -> bool {
        index < usize::from(self.header.signers)
    }

    /// Whether the static key at `index` is writable, as the header says.
    pub fn is_writable(&self, index: usize) -> bool {
        let h = self.header;
        let (signers, keys) = (usize::from(h.signers), self.keys.len());
        if index < signers {
            index < signers - usize::from(h.readonly_signed)
        } else {
            index < keys.saturating_sub(usize::from(h.readonly_unsigned))
        }
    }

    /// The key at `index`, if it is a static key.
    pub fn key(&self, index: u8) -> Option<&Address> {
        self.keys.get(usize::from(index))
    }

    /// The program an instruction calls.
    pub fn program(&self, ix: &Instruction) -> Option<&Address> {
        self.key(ix.program)
    }
}

impl Transaction {
    /// Reads a wire transaction: one signature per required signer, then a message. Bytes after
    /// the message are kept and counted in [`Transaction::trailing`] (the verifier refuses them
    /// once the reference's checks have had their say).
    pub fn decode(bytes: &[u8]) -> Result<Transaction, DecodeError> {
        let mut r = Reader { bytes, at: 0 };
        let count = r.length("signatures")?;
        let mut signatures = Vec::with_capacity(count.min(16));
        for _ in 0..count {
            signatures.push(r.array::<64>("signature")?);
        }
        let message_bytes = bytes[r.at..].to_vec();
        let (message, used) = Message::read(&message_bytes)?;
        if signatures.len() != usize::from(message.header.signers) {
            return err(format!(
                "{} signatures for {} required signers",
                signatures.len(),
                message.header.signers
            ));
        }
        let trailing = message_bytes.len() - used;
        Ok(Transaction { signatures, message_bytes, message, trailing })
    }

    /// An unsigned transaction of `message`: every signature slot zero.
    pub fn unsigned(message: Message) -> Transaction {
        let signatures = vec![[0u8; 64]; usize::from(message.header.signers)];
        Transaction { signatures, message_bytes: message.encode(), message, trailing: 0 }
    }

    /// The wire bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + 64 * self.signatures.len() + self.message_bytes.len());
        put_length(&mut out, self.signatures.len());
        for s in &self.signatures {
            out.extend_from_slice(s);
        }
        out.extend_from_slice(&self.message_bytes);
        out
    }

    /// The length of the wire bytes.
    pub fn encoded_len(&self) -> usize {
        let n = self.signatures.len();
        let prefix = if n < 0x80 {
            1
        } else if n < 0x4000 {
            2
        } else {
            3
        };
        prefix + 64 * n + self.message_bytes.len()
    }

    /// The signature slot of `signer`, if it is one of the message's signers.
    pub fn slot(&self, signer: &Address) -> Option<usize> {
        let signers = usize::from(self.message.header.signers);
        self.message.keys[..signers].iter().position(|k| k == signer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_u16_round_trips_and_rejects_non_canonical_forms() {
        for n in [0usize, 1, 127, 128, 255, 16_383, 16_384, 65_535] {
            let mut out = Vec::new();
            put_length(&mut out, n);
            let mut r = Reader { bytes: &out, at: 0 };
            assert_eq!(r.length("n").unwrap(), n);
            assert_eq!(r.at, out.len());
        }
        for bad in [&[0x80, 0x00][..], &[0xff, 0xff, 0x04], &[0x80, 0x80, 0x80, 0x01], &[0x80]] {
            assert!(Reader { bytes: bad, at: 0 }.length("n").is_err(), "{bad:?}");
        }
    }

    fn message() -> Message {
        Message {
            version: Some(0),
            header: Header { signers: 2, readonly_signed: 1, readonly_unsigned: 1 },
            keys: vec![Address([1; 32]), Address([2; 32]), Address([3; 32]), Address([4; 32])],
            blockhash: [9; 32],
            instructions: vec![Instruction { program: 3, accounts: vec![1, 2], data: vec![7] }],
            lookups: vec![],
        }
    }

    #[test]
    fn a_message_round_trips_and_trailing_or_dangling_bytes_are_refused() {
        let m = message();
        let tx = Transaction::unsigned(m.clone());
        let wire = tx.encode();
        assert_eq!(Transaction::decode(&wire).unwrap(), tx);
        let mut longer = wire.clone();
        longer.push(0);
        assert_eq!(Transaction::decode(&longer).unwrap().trailing, 1);
        assert!(Message::decode(&Transaction::decode(&longer).unwrap().message_bytes).is_err());
        for cut in 0..wire.len() {
            assert!(Transaction::decode(&wire[..cut]).is_err(), "cut at {cut}");
        }
        let mut bad = m.clone();
        bad.instructions[0].program = 0;
        assert!(Message::decode(&bad.encode()).is_err(), "program at the fee payer's index");
        let mut bad = m.clone();
        bad.instructions[0].accounts = vec![4];
        assert!(Message::decode(&bad.encode()).is_err(), "account index past the keys");
        let mut bad = m;
        bad.header.readonly_signed = 2;
        assert!(Message::decode(&bad.encode()).is_err(), "a read-only fee payer");
    }
}
