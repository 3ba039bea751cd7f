#pragma once
#include <string>

namespace livecheck {

/// Escapes text for XML content and attributes (JUnit, HTML, libvirt domain
/// XML); replaces control bytes XML 1.0 cannot hold with '?'.
std::string XmlEscape(const std::string& text);

}  // namespace livecheck
