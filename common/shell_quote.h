#pragma once
// Words for a shell: the guest's root shell, the initramfs's config. Paths
// may come from the guest itself (its mount table), so every word is quoted:
// the shell sees one literal argument whatever the bytes.
#include <string>

namespace livecheck {

/// `word` in single quotes, each ' written as '\''.
std::string ShellQuote(const std::string& word);

}  // namespace livecheck
