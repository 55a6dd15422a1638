//! `.xls` workbooks Excel encrypted with its built-in password.
//!
//! When a workbook's structure or windows are locked ("Protect Workbook"), or it is
//! marked read-only, Excel 97–2003 encrypts the file with the password
//! `VelvetSweatshop` and opens it again without asking for one: to the officer it is
//! an ordinary workbook. Such a file is decrypted here (RC4, MS-OFFCRYPTO 2.3.6, and
//! RC4 CryptoAPI, 2.3.5, over the BIFF8 stream as MS-XLS 2.2.10 lays it out) and read.
//! A file that the built-in password does not open was locked by somebody with a
//! password of their own, and is said to be protected; XOR obfuscation (Excel 95 and
//! earlier) is always so.

use md5::Md5;
use rc4::consts::U16;
use rc4::{KeyInit, Rc4, StreamCipher};
use sha1::{Digest, Sha1};

use super::u16_at;

/// The password Excel writes when the user gave none.
pub const BUILT_IN_PASSWORD: &str = "VelvetSweatshop";

/// The record type FILEPASS is changed to once the stream is decrypted: no BIFF8 record
/// has it, and calamine skips records it does not know.
const NO_RECORD: u16 = 0x0000;

/// Records MS-XLS 2.2.10 leaves unencrypted: BOF, FILEPASS, USREXCL, FILELOCK,
/// INTERFACEHDR, RRDINFO, RRDHEAD.
const PLAIN: [u16; 7] = [0x0809, 0x002F, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138];

/// How the stream was encrypted, from its FILEPASS record.
enum Scheme {
    /// RC4 with MD5 keys (major version 1, minor 1).
    Rc4 { salt: [u8; 16] },
    /// RC4 CryptoAPI with SHA-1 keys; the key length in bits.
    CryptoApi { salt: [u8; 16], bits: u32 },
}

/// A FILEPASS record read: where it starts in the stream, the scheme, and the
/// encrypted verifier with its encrypted hash (one RC4 run).
struct FilePass {
    at: usize,
    scheme: Scheme,
    verifier: Vec<u8>,
}

fn array16(b: &[u8]) -> Option<[u8; 16]> {
    b.get(..16)?.try_into().ok()
}

fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    super::u32_at(b, at)
}

/// The FILEPASS record of the workbook globals, when it is RC4 or RC4 CryptoAPI.
fn file_pass(stream: &[u8]) -> Option<FilePass> {
    let mut at = 0usize;
    loop {
        let (typ, len) = (u16_at(stream, at)?, usize::from(u16_at(stream, at + 2)?));
        match typ {
            0x002F => {
                let d = stream.get(at + 4..at + 4 + len)?;
                // wEncryptionType 1 (RC4), then the version.
                if u16_at(d, 0)? != 1 {
                    return None;
                }
                let (major, minor) = (u16_at(d, 2)?, u16_at(d, 4)?);
                let (scheme, verifier) = if major == 1 && minor == 1 {
                    let salt = array16(d.get(6..)?)?;
                    (Scheme::Rc4 { salt }, d.get(22..54)?.to_vec())
                } else if (2..=4).contains(&major) && minor == 2 {
                    // Flags, header size, the header (key size at 16), then the verifier.
                    let header = u32_le(d, 10)? as usize;
                    let bits = match u32_le(d, 14 + 16)? {
                        0 => 40,
                        b => b,
                    };
                    let v = d.get(14 + header..)?;
                    if u32_le(v, 0)? != 16 {
                        return None;
                    }
                    let salt = array16(v.get(4..)?)?;
                    let hash = u32_le(v, 36)? as usize;
                    let mut verifier = v.get(20..36)?.to_vec();
                    verifier.extend_from_slice(v.get(40..40 + hash)?);
                    (Scheme::CryptoApi { salt, bits }, verifier)
                } else {
                    return None;
                };
                return Some(FilePass {
                    at,
                    scheme,
                    verifier,
                });
            }
            0x000A => return None,
            _ => at += 4 + len,
        }
    }
}

/// The RC4 key of one 1,024-byte block; `None` for a key length not handled here.
fn block_key(scheme: &Scheme, password: &[u8], block: u32) -> Option<[u8; 16]> {
    let mut key = [0u8; 16];
    match scheme {
        Scheme::Rc4 { salt } => {
            let h0 = Md5::digest(password);
            let mut buffer = Vec::with_capacity(16 * 21);
            for _ in 0..16 {
                buffer.extend_from_slice(&h0[..5]);
                buffer.extend_from_slice(salt);
            }
            let h1 = Md5::digest(&buffer);
            let mut last = h1[..5].to_vec();
            last.extend_from_slice(&block.to_le_bytes());
            key.copy_from_slice(&Md5::digest(&last));
        }
        Scheme::CryptoApi { salt, bits } => {
            let mut h0 = Sha1::new();
            h0.update(salt);
            h0.update(password);
            let mut h = Sha1::new();
            h.update(h0.finalize());
            h.update(block.to_le_bytes());
            let hash = h.finalize();
            match bits {
                // A 40-bit key is used as 128 bits, the rest zeros.
                40 => key[..5].copy_from_slice(&hash[..5]),
                128 => key.copy_from_slice(&hash[..16]),
                _ => return None,
            }
        }
    }
    Some(key)
}

/// `data` run through RC4 as it lies at `start` of the stream, rekeyed every 1,024
/// bytes of the stream.
fn rc4_blocks(scheme: &Scheme, password: &[u8], data: &mut [u8], start: usize) -> Option<()> {
    let mut offset = start;
    let mut done = 0;
    while done < data.len() {
        let block = offset / 1024;
        let within = offset % 1024;
        let take = (1024 - within).min(data.len() - done);
        let key = block_key(scheme, password, u32::try_from(block).ok()?)?;
        let mut cipher = Rc4::<U16>::new(&key.into());
        let mut skip = vec![0u8; within];
        cipher.apply_keystream(&mut skip);
        cipher.apply_keystream(&mut data[done..done + take]);
        done += take;
        offset += take;
    }
    Some(())
}

/// Whether `password` opens the stream: the verifier decrypts to a value whose hash
/// follows it (MD5 for RC4, SHA-1 for CryptoAPI).
fn opens(pass: &FilePass, password: &[u8]) -> bool {
    let mut v = pass.verifier.clone();
    if rc4_blocks(&pass.scheme, password, &mut v, 0).is_none() {
        return false;
    }
    let (verifier, hash) = v.split_at(16);
    match pass.scheme {
        Scheme::Rc4 { .. } => Md5::digest(verifier).as_slice() == hash,
        Scheme::CryptoApi { .. } => {
            Sha1::digest(verifier).as_slice() == hash.get(..20).unwrap_or(&[])
        }
    }
}

/// A compound file (`bytes`, whose workbook stream is `stream`) with that stream
/// decrypted in place, and the stream decrypted, when `password` opens it
/// ([`BUILT_IN_PASSWORD`] for the files Excel opens without asking); its FILEPASS record
/// renamed so that readers take the stream for plain. `None` when the stream is not
/// encrypted with RC4, or `password` does not open it.
pub fn decrypt_file(bytes: &[u8], stream: &[u8], password: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let plain = decrypt_stream(stream, password)?;
    let (size, pieces) = super::workbook_stream_pieces(bytes).ok()??;
    let mut file = bytes.to_vec();
    super::patch_stream(&mut file, size, &pieces, &[(0, plain.clone())]).then_some((file, plain))
}

/// The workbook stream decrypted with `password` (see [`decrypt_file`]).
fn decrypt_stream(stream: &[u8], password: &str) -> Option<Vec<u8>> {
    let pass = file_pass(stream)?;
    let password: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
    if !opens(&pass, &password) {
        return None;
    }
    let mut plain = stream.to_vec();
    // Every record after FILEPASS: the header stays, and so do the records MS-XLS leaves
    // plain and the sheet position that starts a BOUNDSHEET; the rest is decrypted where
    // it lies in the stream.
    let mut at = pass.at + 4 + usize::from(u16_at(stream, pass.at + 2)?);
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let start = at + 4;
        let end = (start + usize::from(len)).min(plain.len());
        let from = match typ {
            t if PLAIN.contains(&t) => end,
            0x0085 => (start + 4).min(end),
            _ => start,
        };
        rc4_blocks(&pass.scheme, &password, &mut plain[from..end], from)?;
        at = start + usize::from(len);
    }
    plain[pass.at..pass.at + 2].copy_from_slice(&NO_RECORD.to_le_bytes());
    Some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decrypting piecewise, at the same stream offsets, undoes encrypting whole: the
    /// key changes every 1,024 bytes of the stream, wherever a piece starts.
    #[test]
    fn blocks_are_keyed_by_their_place_in_the_stream() {
        let password: Vec<u8> = "abc".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let original: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        for scheme in [
            Scheme::Rc4 { salt: [7; 16] },
            Scheme::CryptoApi {
                salt: [7; 16],
                bits: 40,
            },
            Scheme::CryptoApi {
                salt: [7; 16],
                bits: 128,
            },
        ] {
            let mut data = original.clone();
            rc4_blocks(&scheme, &password, &mut data, 100).expect("keys");
            assert_ne!(data, original);
            let (a, b) = data.split_at_mut(1500);
            rc4_blocks(&scheme, &password, a, 100).expect("keys");
            rc4_blocks(&scheme, &password, b, 1600).expect("keys");
            assert_eq!(data, original);
        }
        assert!(block_key(
            &Scheme::CryptoApi {
                salt: [0; 16],
                bits: 56
            },
            &password,
            0
        )
        .is_none());
    }
}
