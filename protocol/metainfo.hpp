// Metainfo: the contents of a BitTorrent v1 .torrent file (BEP 3), parsed and validated.
//
// The torrent's content is one byte stream: its files concatenated in order. Pieces cut that stream
// into piece_length-sized chunks (the last may be shorter), each with a SHA-1 hash. The info-hash
// is the SHA-1 of the info dictionary exactly as its bytes appear in the file.
//
//   stream  |---- file 0 ----|-- file 1 --|-------- file 2 --------|
//   pieces  |  piece 0  |  piece 1  |  piece 2  |  piece 3  | p4 |
//
// Accepted as well: BEP 12 announce-list, BEP 19 url-list, BEP 27 private, BEP 47 file attributes
// (padding files and the executable and hidden flags), name.utf-8 / path.utf-8 (preferred), and
// hybrid v1+v2 torrents through their v1 part. v2-only torrents are refused.
//
// File paths are a security boundary: a path component is never empty, ".", "..", and never holds
// '/', '\\' or NUL, so joining the components below a save directory cannot leave it.
#pragma once

#include "protocol/error.hpp"
#include "protocol/sha1.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace swarmlab::protocol {

// Why a metainfo was refused (bencode errors keep their own bencode::Error codes). The offset is
// that of the offending value, or of the dictionary that lacks a required key.
enum class MetainfoError {
  too_large = 1,             // the file exceeds metainfo_size_max
  not_a_dictionary,          // the top-level value is not a dictionary
  missing_info,              // no "info" key
  invalid_info,              // "info" is not a dictionary
  v2_only,                   // "meta version" 2 without v1 "pieces": BitTorrent v2 only
  unsupported_meta_version,  // "meta version" other than 2
  missing_name,              // no "name"
  invalid_name,              // "name" is not a string
  missing_piece_length,      // no "piece length"
  invalid_piece_length,      // not an integer, <= 0, or above piece_length_max
  missing_pieces,            // no "pieces"
  invalid_pieces,            // "pieces" is not a string
  pieces_size_not_multiple_of_20,
  piece_count_mismatch,     // pieces / 20 != ceil(total size / piece length)
  missing_length,           // neither "length" nor "files"
  length_and_files,         // both "length" and "files"
  invalid_length,           // a "length" that is not an integer
  negative_length,          // a "length" below zero
  total_size_overflow,      // the lengths add up beyond int64
  empty_torrent,            // the total size is zero
  invalid_files,            // "files" is not a list, or an empty one
  invalid_file_entry,       // an entry of "files" that is not a dictionary
  too_many_files,           // more than file_count_max entries
  missing_path,             // a file entry without "path"
  invalid_path,             // "path" is not a list of strings, or is empty
  path_too_deep,            // more than path_depth_max components
  path_empty_component,     // "" as a name or path component
  path_dot_component,       // "."
  path_dot_dot_component,   // ".."
  path_absolute,            // a component starting with '/' or '\\'
  path_separator,           // '/' or '\\' inside a component
  path_nul,                 // NUL inside a component
  path_component_too_long,  // longer than path_component_size_max bytes
  duplicate_path,           // two files with the same path, or a file where a folder is needed
  invalid_attr,             // "attr" is not a string
  invalid_announce,         // "announce" is not a string
  invalid_announce_list,    // "announce-list" is not a list of lists of strings
  invalid_url_list,         // "url-list" is neither a string nor a list of strings
  invalid_private,          // "private" is not an integer
  invalid_comment,          // "comment" is not a string
  invalid_created_by,       // "created by" is not a string
  invalid_creation_date,    // "creation date" is not an integer
  info_hash_mismatch,       // an info dictionary whose SHA-1 is not the expected info-hash
};

const std::error_category& metainfo_error_category();
std::error_code make_error_code(MetainfoError error);

// Named limits. A .torrent of 100,000 files is about 10 MB.
inline constexpr std::size_t metainfo_size_max = 64 * 1024 * 1024;
inline constexpr std::size_t metainfo_token_count_max = 16'000'000;
inline constexpr std::size_t file_count_max = 1'000'000;
inline constexpr std::size_t path_depth_max = 128;
inline constexpr std::size_t path_component_size_max = 255;  // NAME_MAX on common filesystems
inline constexpr std::int64_t piece_length_max = std::int64_t{1} << 30;
static_assert(metainfo_token_count_max <= metainfo_size_max, "a token needs at least one byte");

struct FileEntry {
  // Components below the torrent's folder; for a single-file torrent, just { name }.
  std::vector<std::string> path;
  std::int64_t length = 0;
  // Where the file starts in the torrent's byte stream.
  std::int64_t offset = 0;
  bool is_padding = false;     // BEP 47 'p': not real content, never written to disk
  bool is_executable = false;  // BEP 47 'x'
  bool is_hidden = false;      // BEP 47 'h'

  // The components joined with '/'.
  std::string path_string() const;
  friend bool operator==(const FileEntry&, const FileEntry&) = default;
};

// A contiguous range of one file, part of a piece or of any range of the byte stream.
struct FileSlice {
  std::size_t file_index = 0;
  std::int64_t offset_in_file = 0;
  std::int64_t length = 0;
  friend bool operator==(const FileSlice&, const FileSlice&) = default;
};

struct Metainfo {
  // From the info dictionary (covered by the info-hash).
  std::string name;
  InfoHash info_hash{};
  std::int64_t piece_length = 0;
  std::vector<Sha1Digest> piece_hashes;
  std::vector<FileEntry> files;
  std::int64_t total_size_bytes = 0;
  // True when the info dictionary has "files": the content lives in a folder called `name`.
  bool is_multi_file = false;
  bool is_private = false;
  // The info dictionary also carries a v2 part ("meta version" 2).
  bool is_hybrid = false;
  // The info dictionary exactly as encoded (what ut_metadata serves and the info-hash covers).
  std::string info_bytes;

  // From the rest of the file.
  // BEP 12 tiers; a lone "announce" becomes one tier of one tracker.
  std::vector<std::vector<std::string>> tracker_tiers;
  std::vector<std::string> url_list;  // BEP 19 web seeds
  std::string comment;
  std::string created_by;
  std::optional<std::int64_t> creation_date;  // seconds since the Unix epoch

  std::uint32_t piece_count() const { return static_cast<std::uint32_t>(piece_hashes.size()); }
  // Every piece is piece_length long except the last, which takes what is left.
  std::int64_t piece_size(std::uint32_t piece_index) const;
  // The file ranges a piece covers, in stream order (zero-length files are skipped).
  std::vector<FileSlice> map_piece(std::uint32_t piece_index) const;
  // The file ranges of any range of the byte stream (which must lie within it).
  std::vector<FileSlice> map_range(std::int64_t offset, std::int64_t length) const;
};

// Checks one file path component, or a torrent name, against the rules above; nullopt if it is
// safe.
std::optional<MetainfoError> check_path_component(std::string_view component);

// Parses a whole .torrent file.
ParseResult<Metainfo> parse_metainfo(std::string_view torrent_file);
// Parses a bare info dictionary (metadata fetched from peers for a magnet link). The fields from
// outside the info dictionary stay empty.
ParseResult<Metainfo> parse_info_dictionary(std::string_view info_bytes);
// The same, refusing data whose SHA-1 is not `expected` (info_hash_mismatch at offset 0).
ParseResult<Metainfo> parse_info_dictionary(std::string_view info_bytes, const InfoHash& expected);

// Writes a .torrent file: the fields outside the info dictionary, and info_bytes verbatim.
std::string encode_torrent_file(const Metainfo& metainfo);

}  // namespace swarmlab::protocol

template <>
struct std::is_error_code_enum<swarmlab::protocol::MetainfoError> : std::true_type {};
