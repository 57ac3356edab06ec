# The kernel files the user-space build compiles or includes, taken at
# build time from Debian's linux-source-6.12 tarball (scripts/host/setup.sh
# installs it) into the build tree, never committed: the XArray
# (lib/xarray.c, lib/radix-tree.h, include/linux/xarray.h; built over
# kmod/pci_ser/compat/) and the kselftest harness headers (tests/).  One
# tar pass extracts them all, only when the tarball changes.  A build of
# a copy of the tree (the tests' copies, `lubench ab`) can take another
# build's instead: LINUX_SOURCE_EXTRACTED (or the environment's) names
# that build's linux-source directory.
# include() this from the top-level CMakeLists.txt.  Sets
#   LINUX_SOURCE_DIR       where they are, with the tarball's paths
#   PCI_SER_INCLUDE_DIRS   the include path of code built on pci_ser.h
# and the target linux_source, which every target that compiles the
# pci_ser sources depends on.
set(LINUX_SOURCE_TARBALL /usr/src/linux-source-6.12.tar.xz CACHE FILEPATH
    "Debian linux-source tarball to take the XArray and kselftest from")
set(LINUX_SOURCE_EXTRACTED "$ENV{LINUX_SOURCE_EXTRACTED}" CACHE PATH
    "A directory already holding the files (another build's linux-source)")
set(LINUX_SOURCE_FILES
  lib/xarray.c
  lib/radix-tree.h
  include/linux/xarray.h
  tools/testing/selftests/kselftest_harness.h
  tools/testing/selftests/kselftest.h)

if(LINUX_SOURCE_EXTRACTED)
  set(LINUX_SOURCE_DIR ${LINUX_SOURCE_EXTRACTED})
  foreach(f IN LISTS LINUX_SOURCE_FILES)
    if(NOT EXISTS ${LINUX_SOURCE_DIR}/${f})
      message(FATAL_ERROR "LINUX_SOURCE_EXTRACTED=${LINUX_SOURCE_EXTRACTED} "
        "has no ${f}: name a build's linux-source directory, or leave it "
        "empty to extract from ${LINUX_SOURCE_TARBALL}")
    endif()
  endforeach()
  add_custom_target(linux_source)
else()
  if(NOT EXISTS ${LINUX_SOURCE_TARBALL})
    message(FATAL_ERROR "${LINUX_SOURCE_TARBALL} missing: run scripts/host/setup.sh "
      "(Debian package linux-source-6.12) or set LINUX_SOURCE_TARBALL")
  endif()
  set(LINUX_SOURCE_DIR ${CMAKE_BINARY_DIR}/linux-source)
  # The tarball's top directory is its name without .tar.xz.
  get_filename_component(_ls_top ${LINUX_SOURCE_TARBALL} NAME)
  string(REGEX REPLACE "\\.tar\\.xz$" "" _ls_top "${_ls_top}")
  set(_ls_members)
  set(_ls_outputs)
  foreach(f IN LISTS LINUX_SOURCE_FILES)
    list(APPEND _ls_members ${_ls_top}/${f})
    list(APPEND _ls_outputs ${LINUX_SOURCE_DIR}/${f})
  endforeach()
  # -m: the files get the time of extraction, so they are newer than the
  # tarball and extracted again only when it changes.
  add_custom_command(
    OUTPUT ${_ls_outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${LINUX_SOURCE_DIR}
    COMMAND tar -xJmf ${LINUX_SOURCE_TARBALL} -C ${LINUX_SOURCE_DIR}
            --strip-components=1 ${_ls_members}
    DEPENDS ${LINUX_SOURCE_TARBALL}
    COMMENT "Extracting lib/xarray.c and the kselftest harness from ${LINUX_SOURCE_TARBALL}"
    VERBATIM)
  add_custom_target(linux_source DEPENDS ${_ls_outputs})
endif()

# compat/include/linux/ holds only names the C library's linux/ does not
# have (types.h and limits.h come from there), so tools that also include
# system headers see no shadowed file.
set(PCI_SER_INCLUDE_DIRS
  ${CMAKE_CURRENT_LIST_DIR}/..
  ${CMAKE_CURRENT_LIST_DIR}/include
  ${LINUX_SOURCE_DIR}/include
  ${LINUX_SOURCE_DIR}
  ${PCI_SER_GEN_DIR})
