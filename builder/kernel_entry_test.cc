#include "builder/kernel_entry.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <vector>

#include "common/testing.h"

namespace livecheck {
namespace {

void PutLe(std::string& s, size_t at, uint64_t value, size_t width) {
  for (size_t i = 0; i < width; ++i) s[at + i] = char((value >> (8 * i)) & 0xff);
}

// A minimal ELF64 with one PT_NOTE segment holding one note.
std::string ElfWithNote(const std::string& name, uint32_t type) {
  std::string elf(64 + 56, '\0');
  elf.replace(0, 4, "\x7f" "ELF");
  elf[4] = 2;  // ELFCLASS64
  elf[5] = 1;  // little endian
  PutLe(elf, 0x20, 64, 8);  // e_phoff
  PutLe(elf, 0x36, 56, 2);  // e_phentsize
  PutLe(elf, 0x38, 1, 2);   // e_phnum
  std::string note(12, '\0');
  PutLe(note, 0, name.size(), 4);
  PutLe(note, 4, 4, 4);
  PutLe(note, 8, type, 4);
  note += name;
  note.resize((note.size() + 3) & ~size_t(3), '\0');
  note += std::string("\x00\x00\x10\x01", 4);  // the entry address
  size_t at = elf.size();
  elf += note;
  PutLe(elf, 64, 4, 4);            // p_type = PT_NOTE
  PutLe(elf, 64 + 8, at, 8);       // p_offset
  PutLe(elf, 64 + 32, note.size(), 8);  // p_filesz
  return elf;
}

std::string Xz(const std::string& data) {
  std::vector<char> out(data.size() + 4096);
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  archive_write_add_filter_xz(a);
  archive_write_set_bytes_in_last_block(a, 1);
  EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used), ARCHIVE_OK);
  archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_write_header(a, e);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return std::string(out.data(), used);
}

// A bzImage-shaped file: setup header, then the payload with the size the
// kernel's build appends.
std::string BzImage(const std::string& kernel, uint64_t size_field) {
  std::string payload = Xz(kernel) + std::string(4, '\0');
  PutLe(payload, payload.size() - 4, size_field, 4);
  std::string image(2 * 512, '\0');
  image[0x1f1] = 1;  // setup_sects: the code starts at 2 * 512
  image.replace(0x202, 4, "HdrS");
  PutLe(image, 0x206, 0x20f, 2);
  PutLe(image, 0x248, 100, 4);
  PutLe(image, 0x24c, payload.size(), 4);
  image += std::string(100, '\0') + payload;
  return image;
}

TEST(KernelEntryTest, ExtractsTheKernelOfABzImageWhenItHasThePvhNote) {
  auto kernel = ElfWithNote(std::string("Xen\0", 4), 18) + std::string(5000, 'k');
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "vmlinuz", BzImage(kernel, kernel.size()));
  auto outcome = ExtractPvhKernel(dir.path() / "vmlinuz", dir.path() / "vmlinux");
  ASSERT_TRUE(outcome.extracted) << outcome.reason;
  EXPECT_EQ(ReadFile(dir.path() / "vmlinux"), kernel);
}

TEST(KernelEntryTest, KeepsTheBzImageWhenTheKernelHasNoPvhNote) {
  auto kernel = ElfWithNote(std::string("GNU\0", 4), 18);
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "vmlinuz", BzImage(kernel, kernel.size()));
  auto outcome = ExtractPvhKernel(dir.path() / "vmlinuz", dir.path() / "vmlinux");
  EXPECT_FALSE(outcome.extracted);
  EXPECT_NE(outcome.reason.find("no PVH entry note"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "vmlinux"));
}

TEST(KernelEntryTest, RejectsAPayloadWhoseSizeFieldDisagrees) {
  auto kernel = ElfWithNote(std::string("Xen\0", 4), 18);
  auto image = BzImage(kernel, kernel.size() + 1);
  EXPECT_ERROR_CONTAINS(DecompressBzImagePayload(image, FindBzImagePayload(image)), "its size field says");
}

TEST(KernelEntryTest, RejectsFilesThatAreNotBzImages) {
  EXPECT_ERROR_CONTAINS(FindBzImagePayload("short"), "not a bzImage");
  std::string image(2 * 512, '\0');
  image.replace(0x202, 4, "HdrS");
  PutLe(image, 0x206, 0x20f, 2);
  PutLe(image, 0x248, 0xffffff, 4);
  PutLe(image, 0x24c, 64, 4);
  EXPECT_ERROR_CONTAINS(FindBzImagePayload(image), "lies outside the file");
}

TEST(KernelEntryTest, NoteParsingStaysInsideTheFile) {
  auto elf = ElfWithNote(std::string("Xen\0", 4), 18);
  EXPECT_TRUE(HasPvhEntryNote(elf));
  // A name size pointing past the segment, and every truncation, read nothing outside.
  auto bad = elf;
  PutLe(bad, 120, 0xfffffff0, 4);
  EXPECT_FALSE(HasPvhEntryNote(bad));
  for (size_t n = 0; n < elf.size(); ++n) EXPECT_FALSE(HasPvhEntryNote(std::string_view(elf).substr(0, n)));
}

// The guest kernel livecheck boots by default (Debian's linux-image-amd64).
TEST(KernelEntryTest, DebiansKernelBootsThroughPvh) {
  std::vector<std::filesystem::path> kernels;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/boot", ec))
    if (e.path().filename().string().starts_with("vmlinuz-")) kernels.push_back(e.path());
  if (kernels.empty()) GTEST_SKIP() << "no /boot/vmlinuz-* (apt-get install linux-image-amd64)";
  std::sort(kernels.begin(), kernels.end());
  auto dir = testing::MakeTestDir();
  auto outcome = ExtractPvhKernel(kernels.back(), dir.path() / "vmlinux");
  ASSERT_TRUE(outcome.extracted) << outcome.reason;
  EXPECT_TRUE(HasPvhEntryNote(ReadFile(dir.path() / "vmlinux")));
}

}  // namespace
}  // namespace livecheck
