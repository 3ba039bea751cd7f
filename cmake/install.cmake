# What `cmake --install` puts where, and the Debian package built from it
# (`cpack -G DEB` in the build directory). The installed livecheck finds
# everything relative to its own executable (common/install_layout.h):
#   bin/livecheck
#   libexec/livecheck/livecheck-agent     (static; copied into every image)
#   share/livecheck/variants.toml         (the default variants file)
#   share/livecheck/scenarios/            (the default scenario set, and images/)
#   share/livecheck/fixtures/             (known-good and broken variants: the negative controls)
#   share/doc/livecheck/README.md
include(GNUInstallDirs)
if(NOT CMAKE_INSTALL_LIBEXECDIR STREQUAL "libexec")
  message(FATAL_ERROR "livecheck looks for its agent in <prefix>/libexec/livecheck: keep CMAKE_INSTALL_LIBEXECDIR=libexec")
endif()
install(TARGETS livecheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS livecheck-agent RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/livecheck)
install(FILES ${PROJECT_SOURCE_DIR}/builder/variants.toml DESTINATION ${CMAKE_INSTALL_DATADIR}/livecheck)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/livecheck/scenarios
  FILES_MATCHING PATTERN "*.toml")
install(FILES ${PROJECT_SOURCE_DIR}/fixtures/variants.toml DESTINATION ${CMAKE_INSTALL_DATADIR}/livecheck/fixtures)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/fixtures/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/livecheck/fixtures/scenarios
  FILES_MATCHING PATTERN "*.toml")
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/packaging/debian/copyright
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian wants the changelog compressed at maximum, without a timestamp.
set(changelog_gz ${CMAKE_BINARY_DIR}/changelog.gz)
execute_process(COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
  OUTPUT_FILE ${changelog_gz} RESULT_VARIABLE gzip_rc)
if(NOT gzip_rc EQUAL 0)
  message(FATAL_ERROR "gzip of packaging/debian/changelog failed")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog)
install(FILES ${changelog_gz} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/lintian-overrides
  DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME livecheck)

# The Debian package. Runtime dependencies are the tools livecheck starts
# and the shared libraries it links (found by dpkg-shlibdeps); the guest
# kernel is only recommended: `--kernel` or a user's root tree bring their own.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME livecheck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "livecheck developers <livecheck@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "testing and verification harness for Linux live images")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Builds live images (squashfs, initramfs, USB and hybrid ISO media),
boots every variant under QEMU or libvirt and checks what a live system
promises: a read-only root, a RAM-backed union, no byte written to the
boot medium or internal disks, survival of a pulled stick after toram.
Writes JSON, JUnit XML and HTML reports.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "qemu-system-x86, qemu-utils, ovmf, squashfs-tools, mtools, dosfstools, fdisk, e2fsprogs, cpio, zstd, syslinux, syslinux-common, isolinux, xorriso, grub-efi-amd64-bin, grub-common, busybox-static, unionfs-fuse, fuse-overlayfs")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "linux-image-amd64, libvirt-daemon-system, stress-ng")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/livecheck")
set(CPACK_STRIP_FILES ON)
include(CPack)
