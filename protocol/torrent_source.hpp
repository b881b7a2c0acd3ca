// The content a new torrent is made from: one file, or a directory walked into the ordered list of
// files the torrent will describe. Also the error type of torrent creation.
//
// Walk order: by default the order python3-libtorrent's add_files() uses (each directory's entries
// as the filesystem lists them, descending into a subdirectory where it appears), so that the same
// content gives the same info-hash as libtorrent. FileOrder::sorted sorts each directory's entries
// by name (bytewise) instead, which gives the same torrent on any filesystem.
//
// As in libtorrent, symbolic links are followed, hidden files are included, empty files are kept,
// empty directories vanish, and entries that are neither files nor directories are skipped. The
// walk is iterative and bounded: path_depth_max levels, file_count_max files, and a directory is
// never entered twice along one path (symbolic link loops).
#pragma once

#include <boost/system/result.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace swarmlab::protocol {

enum class CreateErrc {
  source_not_found = 1,   // the path given does not exist
  unsupported_source,     // neither a regular file nor a directory
  empty_source,           // no files, or only empty ones
  invalid_piece_length,   // not a power of two from 16 KiB to piece_length_max
  unsupported_file_name,  // a name the torrent format cannot carry safely (e.g. holds '\\')
  too_many_files,         // more than file_count_max files
  too_deep,               // more than path_depth_max nested directories
  total_size_overflow,    // the sizes add up beyond int64
  file_changed,           // a file got shorter while it was being read
};

const std::error_category& create_error_category();
std::error_code make_error_code(CreateErrc error);

struct CreateError {
  // A CreateErrc or an operating system error.
  std::error_code code;
  // The file or directory concerned.
  std::filesystem::path path;

  // "<path>: <reason>"
  std::string describe() const;
};

template <class T>
using CreateResult = boost::system::result<T, CreateError>;

// Throws std::system_error with the description; lets CreateResult<T>::value() report errors.
[[noreturn]] void throw_exception_from_error(const CreateError& error,
                                             const boost::source_location& location);

enum class FileOrder { directory, sorted };

struct SourceFile {
  std::filesystem::path disk_path;
  // Components below the torrent's folder (single file: just its name).
  std::vector<std::string> components;
  std::int64_t length = 0;
  // The owner-execute bit, checked without following a symbolic link (as libtorrent does); the
  // torrent then marks the file with BEP 47's 'x' attribute.
  bool is_executable = false;
};

struct TorrentSource {
  std::string name;
  bool is_multi_file = false;
  std::vector<SourceFile> files;
  std::int64_t total_size_bytes = 0;
};

CreateResult<TorrentSource> scan_source(const std::filesystem::path& path,
                                        FileOrder order = FileOrder::directory);

}  // namespace swarmlab::protocol

template <>
struct std::is_error_code_enum<swarmlab::protocol::CreateErrc> : std::true_type {};
