/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lacquer's elements: registered in-process, and the same set in the loadable plugin that
 * gst-inspect-1.0 reads with GST_PLUGIN_PATH. */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "lq-elements.h"

static GList *
lacquer_factories (void)
{
  return gst_registry_get_feature_list_by_plugin (gst_registry_get (), "lacquer");
}

static void
test_static_registration (void)
{
  GstPlugin *plugin;

  lq_elements_init ();
  lq_elements_init (); /* idempotent */
  plugin = gst_registry_find_plugin (gst_registry_get (), "lacquer");
  g_assert_nonnull (plugin);
  g_assert_cmpstr (gst_plugin_get_license (plugin), ==, "GPL");
  gst_object_unref (plugin);
}

static void
test_loadable_plugin_matches (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *registry = NULL;
  char *argv[] = { "gst-inspect-1.0", "lacquer", NULL };
  int status;
  GList *features;

  registry = g_build_filename (g_get_tmp_dir (), "lq-test-plugin-registry.bin", NULL);
  env = g_environ_setenv (env, "GST_PLUGIN_PATH", LQ_PLUGIN_DIR, TRUE);
  env = g_environ_setenv (env, "GST_REGISTRY", registry, TRUE);
  if (*LQ_ASAN_PRELOAD != '\0')
    {
      env = g_environ_setenv (env, "LD_PRELOAD", LQ_ASAN_PRELOAD, TRUE);
      env = g_environ_setenv (env, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
    }
  g_assert_true (g_spawn_sync (NULL, argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_nonnull (strstr (out, "lacquer"));

  /* Every element the application registers is in the loadable plugin too. */
  lq_elements_init ();
  features = lacquer_factories ();
  for (GList *l = features; l != NULL; l = l->next)
    {
      const char *name = gst_plugin_feature_get_name (l->data);
      g_test_message ("element %s", name);
      g_assert_nonnull (strstr (out, name));
    }
  gst_plugin_feature_list_free (features);
  g_unlink (registry);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/gst/static-registration", test_static_registration);
  g_test_add_func ("/lq/gst/loadable-plugin", test_loadable_plugin_matches);

  return g_test_run ();
}
