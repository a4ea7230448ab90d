/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "lq-test-util.h"

/* Removes @path, a file or a folder with everything in it (a test's temporary folder). */
void
lq_test_remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      lq_test_remove_tree (child);
    }
  g_dir_close (d);
  g_rmdir (path);
}
