# The layout registry: reads kmod/pci_ser/layouts.list, the one list of
# pci_ser layouts, and derives from it everything that needs the names.
# include() this from the top-level CMakeLists.txt.  A name is lowercase
# letters and digits, words joined by single '-' (`kho-blocks`); its C
# identifier (file pci_ser_<id>.c, symbol pci_ser_<id>_ops, the tests'
# variant names) is the name with '-' made '_', so '_' itself is refused
# (two names would map to one file).  Sets
#   PCI_SER_LAYOUTS          the names, in registration order
#   PCI_SER_LAYOUT_IDS       their C identifiers, in the same order
#   PCI_SER_LAYOUT_SOURCES   kmod/pci_ser/pci_ser_<id>.c of each
#   PCI_SER_GEN_DIR          where the generated files are (an include dir)
# and writes, at configure time (so a configured tree always has them):
#   PCI_SER_GEN_DIR/pci_ser_layouts.h  PCI_SER_FOR_EACH_VARIANT(X): X(id), and
#                                      PCI_SER_FOR_EACH_VARIANT_NAME(X):
#                                      X(id, "name"), the X-macros the C
#                                      code expands
#   PCI_SER_GEN_DIR/layouts.mk         the layouts' objects, for kmod/Kbuild
set(_ps_dir ${CMAKE_CURRENT_LIST_DIR})
set(_ps_list ${_ps_dir}/layouts.list)
set(PCI_SER_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY
  CMAKE_CONFIGURE_DEPENDS ${_ps_list})

file(STRINGS ${_ps_list} _ps_lines)
set(PCI_SER_LAYOUTS "")
set(PCI_SER_LAYOUT_IDS "")
set(PCI_SER_LAYOUT_SOURCES "")
set(_ps_lineno 0)
foreach(_l IN LISTS _ps_lines)
  math(EXPR _ps_lineno "${_ps_lineno} + 1")
  string(STRIP "${_l}" _l)
  if(_l STREQUAL "" OR _l MATCHES "^#")
    continue()
  endif()
  if(NOT _l MATCHES "^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    message(FATAL_ERROR "${_ps_list}:${_ps_lineno}: \"${_l}\" is not a layout name (lowercase letters and digits, words joined by single '-', e.g. kho-blocks)")
  endif()
  if(_l IN_LIST PCI_SER_LAYOUTS)
    message(FATAL_ERROR "${_ps_list}:${_ps_lineno}: ${_l} is listed twice")
  endif()
  string(REPLACE "-" "_" _id "${_l}")
  if(NOT EXISTS ${_ps_dir}/pci_ser_${_id}.c)
    message(FATAL_ERROR "${_ps_list}:${_ps_lineno}: no ${_ps_dir}/pci_ser_${_id}.c for ${_l}")
  endif()
  list(APPEND PCI_SER_LAYOUTS ${_l})
  list(APPEND PCI_SER_LAYOUT_IDS ${_id})
  list(APPEND PCI_SER_LAYOUT_SOURCES ${_ps_dir}/pci_ser_${_id}.c)
endforeach()
list(LENGTH PCI_SER_LAYOUTS _ps_nr)
if(_ps_nr LESS 2)
  # The blob tests hand one layout's blob to another.
  message(FATAL_ERROR "${_ps_list}: at least two layouts are needed")
endif()

set(_ps_x "")
set(_ps_xn "")
set(_ps_objs "")
foreach(_l IN LISTS PCI_SER_LAYOUTS)
  string(REPLACE "-" "_" _id "${_l}")
  string(APPEND _ps_x "\t\\\n\tX(${_id})")
  string(APPEND _ps_xn "\t\\\n\tX(${_id}, \"${_l}\")")
  string(APPEND _ps_objs " \\\n\tpci_ser/pci_ser_${_id}.o")
endforeach()
file(CONFIGURE OUTPUT ${PCI_SER_GEN_DIR}/pci_ser_layouts.h CONTENT
"/* SPDX-License-Identifier: GPL-2.0 */
/* Generated from kmod/pci_ser/layouts.list by layouts.cmake: do not edit. */
#ifndef LUBENCH_PCI_SER_LAYOUTS_H
#define LUBENCH_PCI_SER_LAYOUTS_H

/*
 * X(id) for every layout, in registration order: id is the C identifier
 * (pci_ser_<id>_ops), the name with '-' made '_'.
 */
#define PCI_SER_FOR_EACH_VARIANT(X)${_ps_x}

/* X(id, \"name\"): the same, with the name as ops->name and users spell it. */
#define PCI_SER_FOR_EACH_VARIANT_NAME(X)${_ps_xn}

#endif /* LUBENCH_PCI_SER_LAYOUTS_H */
")
file(CONFIGURE OUTPUT ${PCI_SER_GEN_DIR}/layouts.mk CONTENT
"# Generated from kmod/pci_ser/layouts.list by layouts.cmake: do not edit.
lubench-layouts :=${_ps_objs}
")
