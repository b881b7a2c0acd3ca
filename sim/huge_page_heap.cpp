#include "sim/huge_page_heap.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include <unistd.h>

namespace swarmlab::sim {

namespace {

constexpr std::string_view tunable_name = "glibc.malloc.hugetlb";

bool under_valgrind() {
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr &&
         std::string_view(preload).find("vgpreload") != std::string_view::npos;
}

// Started as `ld.so PROGRAM ...`, /proc/self/exe is the dynamic loader, which would take argv[1]
// for the program to load. An unreadable link means there is nothing to run again either.
bool started_by_dynamic_loader() {
  std::error_code error;
  const std::filesystem::path image = std::filesystem::read_symlink("/proc/self/exe", error);
  return error || image.filename().string().starts_with("ld-");
}

}  // namespace

// The mode reads like "always [madvise] never", the chosen one in brackets.
bool kernel_allows_huge_pages() {
  std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  if (!std::getline(file, modes)) return false;
  return modes.find("[never]") == std::string::npos;
}

std::optional<std::string> tunables_with_huge_pages(const char* current) {
  const std::string_view existing = current != nullptr ? current : "";
  if (existing.find(tunable_name) != std::string_view::npos) return std::nullopt;
  std::string tunables(existing);
  if (!tunables.empty()) tunables += ':';
  tunables += tunable_name;
  tunables += "=1";
  return tunables;
}

void reexec_with_huge_page_heap(char** argv) {
  const char* found = std::getenv("GLIBC_TUNABLES");
  const std::optional<std::string> current =
      found != nullptr ? std::optional<std::string>(found) : std::nullopt;
  const std::optional<std::string> tunables = tunables_with_huge_pages(found);
  if (!tunables) return;
  if (under_valgrind() || started_by_dynamic_loader() || !kernel_allows_huge_pages()) return;
  if (::setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Still here: the image could not be run again (it was replaced, or /proc is missing). Carry on
  // with the ordinary heap, and leave the environment as it was for child processes.
  if (current) {
    ::setenv("GLIBC_TUNABLES", current->c_str(), 1);
  } else {
    ::unsetenv("GLIBC_TUNABLES");
  }
}

}  // namespace swarmlab::sim
