// Metainfo parsing and validation (the info dictionary, then the fields around it), piece-to-file
// mapping, and .torrent encoding.
#include "protocol/metainfo.hpp"

#include "protocol/bencode.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <tuple>

namespace swarmlab::protocol {
namespace {

using bencode::Node;

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "metainfo"; }
  std::string message(int value) const override;
};

std::string Category::message(int value) const {
  using E = MetainfoError;
  switch (static_cast<E>(value)) {
    case E::too_large:
      return "torrent file too large";
    case E::not_a_dictionary:
      return "not a torrent: the top-level value is not a dictionary";
    case E::missing_info:
      return "no info dictionary";
    case E::invalid_info:
      return "info is not a dictionary";
    case E::v2_only:
      return "BitTorrent v2-only torrent: only v1 and hybrid torrents are supported";
    case E::unsupported_meta_version:
      return "unsupported meta version";
    case E::missing_name:
      return "no name in the info dictionary";
    case E::invalid_name:
      return "name is not a string";
    case E::missing_piece_length:
      return "no piece length";
    case E::invalid_piece_length:
      return "invalid piece length";
    case E::missing_pieces:
      return "no piece hashes";
    case E::invalid_pieces:
      return "pieces is not a string";
    case E::pieces_size_not_multiple_of_20:
      return "pieces is not a multiple of 20 bytes";
    case E::piece_count_mismatch:
      return "piece count does not match the total size";
    case E::missing_length:
      return "neither length nor files";
    case E::length_and_files:
      return "both length and files";
    case E::invalid_length:
      return "file length is not an integer";
    case E::negative_length:
      return "negative file length";
    case E::total_size_overflow:
      return "total size overflows 64 bits";
    case E::empty_torrent:
      return "total size is zero";
    case E::invalid_files:
      return "files is not a non-empty list";
    case E::invalid_file_entry:
      return "file entry is not a dictionary";
    case E::too_many_files:
      return "too many files";
    case E::missing_path:
      return "file entry without a path";
    case E::invalid_path:
      return "path is not a non-empty list of strings";
    case E::path_too_deep:
      return "path has too many components";
    case E::path_empty_component:
      return "empty path component";
    case E::path_dot_component:
      return "path component '.'";
    case E::path_dot_dot_component:
      return "path component '..'";
    case E::path_absolute:
      return "absolute path";
    case E::path_separator:
      return "path separator inside a path component";
    case E::path_nul:
      return "NUL byte inside a path component";
    case E::path_component_too_long:
      return "path component too long";
    case E::duplicate_path:
      return "two files with the same path";
    case E::invalid_attr:
      return "attr is not a string";
    case E::invalid_announce:
      return "announce is not a string";
    case E::invalid_announce_list:
      return "announce-list is not a list of lists of strings";
    case E::invalid_url_list:
      return "url-list is neither a string nor a list of strings";
    case E::invalid_private:
      return "private is not an integer";
    case E::invalid_comment:
      return "comment is not a string";
    case E::invalid_created_by:
      return "created by is not a string";
    case E::invalid_creation_date:
      return "creation date is not an integer";
    case E::info_hash_mismatch:
      return "metadata does not match the info-hash";
  }
  return "unknown metainfo error";
}

ParseError fail(MetainfoError error, std::size_t offset) {
  return ParseError{make_error_code(error), offset};
}

using MaybeError = std::optional<ParseError>;

MaybeError check_component(std::string_view component, std::size_t offset) {
  if (const auto error = check_path_component(component)) return fail(*error, offset);
  return std::nullopt;
}

// "path" (or "path.utf-8") of a file entry: a non-empty list of valid components.
MaybeError parse_path(Node path, std::vector<std::string>& components) {
  if (!path.is_list()) return fail(MetainfoError::invalid_path, path.offset());
  for (Node component : path.items()) {
    if (!component.is_string()) return fail(MetainfoError::invalid_path, component.offset());
    if (components.size() == path_depth_max) {
      return fail(MetainfoError::path_too_deep, component.offset());
    }
    if (auto error = check_component(component.string(), component.offset())) return error;
    components.emplace_back(component.string());
  }
  if (components.empty()) return fail(MetainfoError::invalid_path, path.offset());
  return std::nullopt;
}

// BEP 47 attributes; unknown letters are ignored, as the BEP asks.
MaybeError parse_attributes(Node entry, FileEntry& file) {
  const auto attr = entry.find("attr");
  if (!attr) return std::nullopt;
  if (!attr->is_string()) return fail(MetainfoError::invalid_attr, attr->offset());
  const std::string_view letters = attr->string();
  file.is_padding = letters.find('p') != std::string_view::npos;
  file.is_executable = letters.find('x') != std::string_view::npos;
  file.is_hidden = letters.find('h') != std::string_view::npos;
  return std::nullopt;
}

MaybeError parse_length(Node dict, std::int64_t& length) {
  const auto node = dict.find("length");
  if (!node) return fail(MetainfoError::missing_length, dict.offset());
  if (!node->is_integer()) return fail(MetainfoError::invalid_length, node->offset());
  if (node->integer() < 0) return fail(MetainfoError::negative_length, node->offset());
  length = node->integer();
  return std::nullopt;
}

MaybeError add_to_total(Metainfo& metainfo, FileEntry& file, std::size_t offset) {
  if (file.length > std::numeric_limits<std::int64_t>::max() - metainfo.total_size_bytes) {
    return fail(MetainfoError::total_size_overflow, offset);
  }
  file.offset = metainfo.total_size_bytes;
  metainfo.total_size_bytes += file.length;
  return std::nullopt;
}

MaybeError parse_file_entry(Node entry, Metainfo& metainfo) {
  if (!entry.is_dict()) return fail(MetainfoError::invalid_file_entry, entry.offset());
  FileEntry file;
  if (auto error = parse_length(entry, file.length)) return error;
  if (auto error = parse_attributes(entry, file)) return error;
  // Prefer the UTF-8 variant when it is there.
  auto path = entry.find("path.utf-8");
  if (!path) path = entry.find("path");
  if (!path) return fail(MetainfoError::missing_path, entry.offset());
  if (auto error = parse_path(*path, file.path)) return error;
  if (auto error = add_to_total(metainfo, file, entry.offset())) return error;
  metainfo.files.push_back(std::move(file));
  return std::nullopt;
}

// A file where another file, or a folder, already is. Padding files share names by design.
MaybeError check_unique_paths(const Metainfo& metainfo, Node files) {
  // Sorted component by component, a folder's files come right after a file of the folder's name
  // (a shorter path sorts first), so both kinds of clash show up between neighbours.
  std::vector<std::uint32_t> order;
  order.reserve(metainfo.files.size());
  for (std::size_t i = 0; i < metainfo.files.size(); ++i) {
    if (!metainfo.files[i].is_padding) order.push_back(static_cast<std::uint32_t>(i));
  }
  const auto& entries = metainfo.files;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(entries[a].path, a) < std::tie(entries[b].path, b);
  });
  for (std::size_t i = 1; i < order.size(); ++i) {
    const std::vector<std::string>& previous = entries[order[i - 1]].path;
    const std::vector<std::string>& current = entries[order[i]].path;
    const bool clash = previous.size() <= current.size() &&
                       std::equal(previous.begin(), previous.end(), current.begin());
    if (clash) {
      // Report the later of the two entries.
      const std::size_t later = std::max(order[i - 1], order[i]);
      return fail(MetainfoError::duplicate_path, files.list_item(later).offset());
    }
  }
  return std::nullopt;
}

MaybeError parse_files(Node info, Metainfo& metainfo) {
  const auto files = info.find("files");
  assert(files.has_value());
  if (info.find("length")) return fail(MetainfoError::length_and_files, files->offset());
  if (!files->is_list()) return fail(MetainfoError::invalid_files, files->offset());
  metainfo.is_multi_file = true;
  for (Node entry : files->items()) {
    if (metainfo.files.size() == file_count_max) {
      return fail(MetainfoError::too_many_files, entry.offset());
    }
    if (auto error = parse_file_entry(entry, metainfo)) return error;
  }
  if (metainfo.files.empty()) return fail(MetainfoError::invalid_files, files->offset());
  return check_unique_paths(metainfo, *files);
}

MaybeError parse_single_file(Node info, Metainfo& metainfo) {
  FileEntry file;
  if (auto error = parse_length(info, file.length)) return error;
  if (auto error = parse_attributes(info, file)) return error;
  file.path = {metainfo.name};
  if (auto error = add_to_total(metainfo, file, info.offset())) return error;
  metainfo.files.push_back(std::move(file));
  return std::nullopt;
}

MaybeError parse_name(Node info, Metainfo& metainfo) {
  auto name = info.find("name.utf-8");
  if (!name) name = info.find("name");
  if (!name) return fail(MetainfoError::missing_name, info.offset());
  if (!name->is_string()) return fail(MetainfoError::invalid_name, name->offset());
  if (auto error = check_component(name->string(), name->offset())) return error;
  metainfo.name = name->string();
  return std::nullopt;
}

MaybeError parse_piece_length(Node info, Metainfo& metainfo) {
  const auto node = info.find("piece length");
  if (!node) return fail(MetainfoError::missing_piece_length, info.offset());
  if (!node->is_integer() || node->integer() <= 0 || node->integer() > piece_length_max) {
    return fail(MetainfoError::invalid_piece_length, node->offset());
  }
  metainfo.piece_length = node->integer();
  return std::nullopt;
}

// Runs after the files are known: the piece count must fit the total size.
MaybeError parse_pieces(Node info, Metainfo& metainfo) {
  const auto node = info.find("pieces");
  if (!node) return fail(MetainfoError::missing_pieces, info.offset());
  if (!node->is_string()) return fail(MetainfoError::invalid_pieces, node->offset());
  const std::string_view hashes = node->string();
  if (hashes.size() % sha1_size_bytes != 0) {
    return fail(MetainfoError::pieces_size_not_multiple_of_20, node->offset());
  }
  assert(metainfo.piece_length > 0);
  const std::int64_t total = metainfo.total_size_bytes;
  const std::int64_t expected =
      total / metainfo.piece_length + (total % metainfo.piece_length != 0);
  if (static_cast<std::int64_t>(hashes.size() / sha1_size_bytes) != expected) {
    return fail(MetainfoError::piece_count_mismatch, node->offset());
  }
  metainfo.piece_hashes.resize(hashes.size() / sha1_size_bytes);
  for (std::size_t i = 0; i < metainfo.piece_hashes.size(); ++i) {
    std::copy_n(hashes.data() + i * sha1_size_bytes, sha1_size_bytes,
                metainfo.piece_hashes[i].begin());
  }
  return std::nullopt;
}

// A "meta version" of 2 marks a v2 torrent; with v1 "pieces" it is a hybrid we load as v1.
MaybeError check_version(Node info, Metainfo& metainfo) {
  const auto version = info.find("meta version");
  if (!version) return std::nullopt;
  if (!version->is_integer() || version->integer() != 2) {
    return fail(MetainfoError::unsupported_meta_version, version->offset());
  }
  if (!info.find("pieces")) return fail(MetainfoError::v2_only, version->offset());
  metainfo.is_hybrid = true;
  return std::nullopt;
}

MaybeError parse_info(Node info, Metainfo& metainfo) {
  if (!info.is_dict()) return fail(MetainfoError::invalid_info, info.offset());
  if (auto error = check_version(info, metainfo)) return error;
  if (auto error = parse_name(info, metainfo)) return error;
  if (auto error = parse_piece_length(info, metainfo)) return error;
  if (info.find("files")) {
    if (auto error = parse_files(info, metainfo)) return error;
  } else {
    if (auto error = parse_single_file(info, metainfo)) return error;
  }
  if (metainfo.total_size_bytes == 0) return fail(MetainfoError::empty_torrent, info.offset());
  if (auto error = parse_pieces(info, metainfo)) return error;
  if (const auto is_private = info.find("private")) {
    if (!is_private->is_integer())
      return fail(MetainfoError::invalid_private, is_private->offset());
    metainfo.is_private = is_private->integer() != 0;
  }
  metainfo.info_bytes = info.encoded();
  metainfo.info_hash = sha1(info.encoded());
  return std::nullopt;
}

// BEP 12: announce-list, when present and not empty, replaces announce. Empty tiers are dropped.
MaybeError parse_trackers(Node root, Metainfo& metainfo) {
  if (const auto list = root.find("announce-list")) {
    if (!list->is_list()) return fail(MetainfoError::invalid_announce_list, list->offset());
    for (Node tier : list->items()) {
      if (!tier.is_list()) return fail(MetainfoError::invalid_announce_list, tier.offset());
      std::vector<std::string> urls;
      for (Node url : tier.items()) {
        if (!url.is_string()) return fail(MetainfoError::invalid_announce_list, url.offset());
        if (!url.string().empty()) urls.emplace_back(url.string());
      }
      if (!urls.empty()) metainfo.tracker_tiers.push_back(std::move(urls));
    }
  }
  if (const auto announce = root.find("announce")) {
    if (!announce->is_string()) return fail(MetainfoError::invalid_announce, announce->offset());
    if (metainfo.tracker_tiers.empty() && !announce->string().empty()) {
      metainfo.tracker_tiers.push_back({std::string(announce->string())});
    }
  }
  return std::nullopt;
}

// BEP 19: one URL as a string, or a list of them.
MaybeError parse_url_list(Node root, Metainfo& metainfo) {
  const auto list = root.find("url-list");
  if (!list) return std::nullopt;
  if (list->is_string()) {
    if (!list->string().empty()) metainfo.url_list.emplace_back(list->string());
    return std::nullopt;
  }
  if (!list->is_list()) return fail(MetainfoError::invalid_url_list, list->offset());
  for (Node url : list->items()) {
    if (!url.is_string()) return fail(MetainfoError::invalid_url_list, url.offset());
    if (!url.string().empty()) metainfo.url_list.emplace_back(url.string());
  }
  return std::nullopt;
}

MaybeError parse_optional_string(Node root, std::string_view key, std::string& out,
                                 MetainfoError error) {
  const auto node = root.find(key);
  if (!node) return std::nullopt;
  if (!node->is_string()) return fail(error, node->offset());
  out = node->string();
  return std::nullopt;
}

MaybeError parse_descriptive_fields(Node root, Metainfo& metainfo) {
  if (auto error = parse_trackers(root, metainfo)) return error;
  if (auto error = parse_url_list(root, metainfo)) return error;
  // The UTF-8 variant wins when both are there.
  const std::string_view comment_key = root.find("comment.utf-8") ? "comment.utf-8" : "comment";
  if (auto error = parse_optional_string(root, comment_key, metainfo.comment,
                                         MetainfoError::invalid_comment)) {
    return error;
  }
  if (auto error = parse_optional_string(root, "created by", metainfo.created_by,
                                         MetainfoError::invalid_created_by)) {
    return error;
  }
  if (const auto date = root.find("creation date")) {
    if (!date->is_integer()) return fail(MetainfoError::invalid_creation_date, date->offset());
    metainfo.creation_date = date->integer();
  }
  return std::nullopt;
}

constexpr bencode::Limits metainfo_limits{bencode::Limits{}.depth_max, metainfo_token_count_max};

}  // namespace

const std::error_category& metainfo_error_category() {
  static const Category category;
  return category;
}

std::error_code make_error_code(MetainfoError error) {
  return {static_cast<int>(error), metainfo_error_category()};
}

// Joining checked components under a folder can never leave it.
std::optional<MetainfoError> check_path_component(std::string_view component) {
  using E = MetainfoError;
  if (component.empty()) return E::path_empty_component;
  if (component == ".") return E::path_dot_component;
  if (component == "..") return E::path_dot_dot_component;
  if (component.front() == '/' || component.front() == '\\') return E::path_absolute;
  if (component.find_first_of("/\\") != std::string_view::npos) return E::path_separator;
  if (component.find('\0') != std::string_view::npos) return E::path_nul;
  if (component.size() > path_component_size_max) return E::path_component_too_long;
  return std::nullopt;
}

std::string FileEntry::path_string() const {
  std::string joined;
  for (const std::string& component : path) {
    if (!joined.empty()) joined.push_back('/');
    joined += component;
  }
  return joined;
}

ParseResult<Metainfo> parse_metainfo(std::string_view torrent_file) {
  if (torrent_file.size() > metainfo_size_max) {
    return fail(MetainfoError::too_large, metainfo_size_max);
  }
  auto document = bencode::decode(torrent_file, metainfo_limits);
  if (!document) return document.error();
  const Node root = document->root();
  if (!root.is_dict()) return fail(MetainfoError::not_a_dictionary, root.offset());
  const auto info = root.find("info");
  if (!info) return fail(MetainfoError::missing_info, root.offset());
  Metainfo metainfo;
  if (auto error = parse_info(*info, metainfo)) return *error;
  if (auto error = parse_descriptive_fields(root, metainfo)) return *error;
  assert(metainfo.piece_count() > 0);
  assert(!metainfo.files.empty());
  return metainfo;
}

ParseResult<Metainfo> parse_info_dictionary(std::string_view info_bytes) {
  if (info_bytes.size() > metainfo_size_max) {
    return fail(MetainfoError::too_large, metainfo_size_max);
  }
  auto document = bencode::decode(info_bytes, metainfo_limits);
  if (!document) return document.error();
  Metainfo metainfo;
  if (auto error = parse_info(document->root(), metainfo)) return *error;
  assert(metainfo.info_bytes == info_bytes);
  return metainfo;
}

ParseResult<Metainfo> parse_info_dictionary(std::string_view info_bytes, const InfoHash& expected) {
  if (sha1(info_bytes) != expected) return fail(MetainfoError::info_hash_mismatch, 0);
  return parse_info_dictionary(info_bytes);
}

std::int64_t Metainfo::piece_size(std::uint32_t piece_index) const {
  assert(piece_index < piece_count());
  const std::int64_t start = static_cast<std::int64_t>(piece_index) * piece_length;
  assert(start < total_size_bytes);
  return std::min(piece_length, total_size_bytes - start);
}

std::vector<FileSlice> Metainfo::map_range(std::int64_t offset, std::int64_t length) const {
  assert(offset >= 0);
  assert(length >= 0);
  assert(offset <= total_size_bytes - length);
  std::vector<FileSlice> slices;
  // The first file that ends after `offset`.
  auto file = std::partition_point(files.begin(), files.end(), [offset](const FileEntry& entry) {
    return entry.offset + entry.length <= offset;
  });
  std::int64_t position = offset;
  const std::int64_t end = offset + length;
  for (; position < end && file != files.end(); ++file) {
    if (file->length == 0) continue;
    const std::int64_t in_file = position - file->offset;
    assert(in_file >= 0 && in_file < file->length);
    const std::int64_t take = std::min(file->length - in_file, end - position);
    slices.push_back(FileSlice{static_cast<std::size_t>(file - files.begin()), in_file, take});
    position += take;
  }
  assert(position == end);
  return slices;
}

std::vector<FileSlice> Metainfo::map_piece(std::uint32_t piece_index) const {
  return map_range(static_cast<std::int64_t>(piece_index) * piece_length, piece_size(piece_index));
}

namespace {

void encode_trackers(bencode::Encoder& encoder, const Metainfo& metainfo) {
  if (metainfo.tracker_tiers.empty()) return;
  assert(!metainfo.tracker_tiers.front().empty());
  encoder.key("announce").string(metainfo.tracker_tiers.front().front());
  std::size_t tracker_count = 0;
  for (const auto& tier : metainfo.tracker_tiers)
    tracker_count += tier.size();
  if (tracker_count < 2) return;
  encoder.key("announce-list").begin_list();
  for (const auto& tier : metainfo.tracker_tiers) {
    encoder.begin_list();
    for (const std::string& url : tier)
      encoder.string(url);
    encoder.end();
  }
  encoder.end();
}

}  // namespace

std::string encode_torrent_file(const Metainfo& metainfo) {
  assert(!metainfo.info_bytes.empty());
  std::string out;
  out.reserve(metainfo.info_bytes.size() + 256);
  bencode::Encoder encoder(out);
  encoder.begin_dict();
  encode_trackers(encoder, metainfo);
  if (!metainfo.comment.empty()) encoder.key("comment").string(metainfo.comment);
  if (!metainfo.created_by.empty()) encoder.key("created by").string(metainfo.created_by);
  if (metainfo.creation_date) encoder.key("creation date").integer(*metainfo.creation_date);
  encoder.key("info").raw(metainfo.info_bytes);
  if (metainfo.url_list.size() == 1) {
    encoder.key("url-list").string(metainfo.url_list.front());
  } else if (!metainfo.url_list.empty()) {
    encoder.key("url-list").begin_list();
    for (const std::string& url : metainfo.url_list)
      encoder.string(url);
    encoder.end();
  }
  encoder.end();
  assert(encoder.depth() == 0);
  return out;
}

}  // namespace swarmlab::protocol
