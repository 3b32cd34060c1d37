//! Walking the snapshot: folders, empty files of the right length, symbolic and hard links are
//! created on the way, and each file's chunks are collected into one list of blobs, each read
//! once however many files share it, sorted by pack and offset.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use rustic_core::repofile::{Metadata, Node, NodeType, PackId};
use rustic_core::{DataId, IndexedFullStatus, LsOptions, Repository};

use crate::error::{Error, Result, one_line};

/// A blob to read, and everywhere its plaintext goes.
pub(super) struct BlobJob {
    pub(super) pack: PackId,
    pub(super) offset: u32,
    pub(super) id: DataId,
    /// (index into [`Plan::files`], byte offset in that file).
    pub(super) to: Vec<(u32, u64)>,
}

/// What was created, and whose metadata to set once the contents are in.
pub(super) struct Entry {
    pub(super) path: PathBuf,
    pub(super) symlink: bool,
    pub(super) meta: Metadata,
}

/// The restore's work list.
pub(super) struct Plan {
    /// The files with content to fill in.
    pub(super) files: Vec<PathBuf>,
    /// Sorted by pack, then offset in the pack.
    pub(super) blobs: Vec<BlobJob>,
    /// Everything created, in tree order (parents before children).
    pub(super) entries: Vec<Entry>,
    pub(super) file_count: u64,
    pub(super) bytes: u64,
    /// What could not be created, one line each.
    pub(super) problems: Vec<String>,
}

impl Plan {
    /// Walks the tree under `root` into `target`, creating every entry.
    pub(super) fn build(
        repo: &Repository<IndexedFullStatus>,
        repo_path: &Path,
        root: &Node,
        target: &Path,
    ) -> Result<Plan> {
        let mut plan = Plan {
            files: Vec::new(),
            blobs: Vec::new(),
            entries: Vec::new(),
            file_count: 0,
            bytes: 0,
            problems: Vec::new(),
        };
        let mut by_id: HashMap<DataId, usize> = HashMap::new();
        // (device, inode) → the first path of a file with several hard links.
        let mut linked: HashMap<(u64, u64), PathBuf> = HashMap::new();
        let nodes = repo.ls(root, &LsOptions::default()).map_err(Error::rustic(repo_path, "read the snapshot"))?;
        for item in nodes {
            let (rel, node) = item.map_err(Error::rustic(repo_path, "read the snapshot"))?;
            let path = target.join(&rel);
            let created = match &node.node_type {
                NodeType::Dir => make_dir(&path),
                NodeType::Symlink { .. } => {
                    replace(&path).and_then(|()| std::os::unix::fs::symlink(node.node_type.to_link(), &path))
                }
                NodeType::File => {
                    plan.file_count += 1;
                    plan.bytes += node.meta.size;
                    let key = (node.meta.device_id, node.meta.inode);
                    let first = if node.meta.links > 1 { linked.get(&key) } else { None };
                    match first {
                        Some(first) if replace(&path).and_then(|()| fs::hard_link(first, &path)).is_ok() => {
                            // Its content and metadata come with the first link.
                            continue;
                        }
                        _ => {
                            if node.meta.links > 1 {
                                linked.insert(key, path.clone());
                            }
                            plan.add_file(repo, &rel, &path, &node, &mut by_id)
                        }
                    }
                }
                // Devices, FIFOs and sockets are not files a restore brings back.
                _ => continue,
            };
            match created {
                Ok(()) => plan.entries.push(Entry {
                    path,
                    symlink: matches!(node.node_type, NodeType::Symlink { .. }),
                    meta: node.meta,
                }),
                Err(e) => plan.problems.push(format!("{}: {e}", path.display())),
            }
        }
        plan.blobs.sort_unstable_by_key(|b| (b.pack, b.offset));
        Ok(plan)
    }

    /// Creates the file at its final length and lists its chunks.
    fn add_file(
        &mut self,
        repo: &Repository<IndexedFullStatus>,
        rel: &Path,
        path: &Path,
        node: &Node,
        by_id: &mut HashMap<DataId, usize>,
    ) -> std::io::Result<()> {
        replace(path)?;
        let file = File::create(path)?;
        let chunks = node.content.as_deref().unwrap_or_default();
        if chunks.is_empty() {
            return Ok(());
        }
        // The full length up front: the chunks arrive in pack order, not file order.
        file.set_len(node.meta.size)?;
        let index = u32::try_from(self.files.len()).map_err(|_| std::io::Error::other("too many files"))?;
        self.files.push(path.to_owned());
        let mut offset = 0u64;
        for id in chunks {
            let entry = match repo.get_index_entry(id) {
                Ok(e) => e,
                Err(e) => {
                    let id = id.to_hex();
                    self.problems.push(format!("{}: chunk {} missing: {}", rel.display(), id.as_str(), one_line(&e)));
                    break;
                }
            };
            let job = *by_id.entry(*id).or_insert_with(|| {
                self.blobs.push(BlobJob { pack: entry.pack, offset: entry.location.offset, id: *id, to: Vec::new() });
                self.blobs.len() - 1
            });
            self.blobs[job].to.push((index, offset));
            offset += u64::from(entry.location.data_length());
        }
        Ok(())
    }
}

fn make_dir(path: &Path) -> std::io::Result<()> {
    match fs::create_dir(path) {
        Err(e) if e.kind() == ErrorKind::AlreadyExists && !is_symlink(path) && path.is_dir() => Ok(()),
        other => other,
    }
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Removes whatever non-folder is at `path`: writing through a symbolic link left in the
/// target would write outside it, and a hard link would change another file.
fn replace(path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Err(std::io::Error::new(ErrorKind::AlreadyExists, "a folder is in the way")),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}
