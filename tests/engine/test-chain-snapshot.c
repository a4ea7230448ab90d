/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chain snapshots (A/B of a chain's settings): recalling a snapshot gives the chain the values
 * stored (set by hand in the test, so the expectation does not come from the code under test)
 * on the SAME element objects, and a running element picks them up through a sync; a chain
 * whose structure changed is replaced; the recall is one undoable step; equal settings are left
 * alone; the snapshot survives its string form. */
#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "../lq-test-util.h"
#include "lq-chain-runner.h"
#include "lq-chain-snapshot.h"
#include "lq-elements.h"
#include "lq-engine-error.h"
#include "lq-project.h"

/* eq -> compressor -> limiter, with a few settings */
static LqChain *
make_chain (void)
{
  LqChain *chain = lq_chain_new ();
  g_autoptr(LqChainElement) comp = lq_chain_element_new ("lqcompressor");
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");

  lq_chain_element_set (comp, "threshold", "-18.0");
  lq_chain_element_set (comp, "ratio", "2.0");
  lq_chain_element_set (limiter, "ceiling", "-1.0");
  lq_chain_append (chain, comp);
  lq_chain_append (chain, limiter);
  return chain;
}

static double
element_double (GstElement *element, const char *property)
{
  double value = 0;

  g_object_get (element, property, &value, NULL);
  return value;
}

static void
test_recall_same_structure (void)
{
  g_autoptr(LqChain) chain = make_chain ();
  LqChainElement *comp = lq_chain_get_element (chain, 0);
  LqChainElement *limiter = lq_chain_get_element (chain, 1);
  g_autoptr(LqChainSnapshot) a = lq_chain_snapshot_new (chain);
  g_autoptr(LqChainSnapshot) b = NULL;
  g_autoptr(LqChainRunner) runner = NULL;
  g_autoptr(GError) error = NULL;

  runner = lq_chain_runner_new (chain, 48000, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (element_double (lq_chain_runner_get_element (runner, 1), "ceiling"), -1.0, 1e-9);

  /* B: other values, one setting more, the limiter bypassed */
  lq_chain_element_set (comp, "threshold", "-24.0");
  lq_chain_element_set (comp, "attack", "30.0");
  lq_chain_element_set (limiter, "ceiling", "-0.3");
  lq_chain_element_set_bypass (limiter, TRUE);
  b = lq_chain_snapshot_new (chain);
  g_assert_false (lq_chain_snapshot_equal (a, chain));
  g_assert_true (lq_chain_snapshot_equal (b, chain));
  g_assert_true (lq_chain_snapshot_same_structure (a, chain));

  /* Recall A: the same objects get A's values back; "attack" returns to the default */
  g_assert_cmpint (lq_chain_snapshot_recall (a, chain, NULL, NULL), ==, LQ_SNAPSHOT_RECALL_APPLIED);
  g_assert_true (lq_chain_get_element (chain, 0) == comp);
  g_assert_true (lq_chain_get_element (chain, 1) == limiter);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (lq_chain_element_get (comp, "threshold"), NULL), -18.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (lq_chain_element_get (comp, "ratio"), NULL), 2.0, 1e-9);
  g_assert_null (lq_chain_element_get (comp, "attack"));
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (lq_chain_element_get (limiter, "ceiling"), NULL), -1.0, 1e-9);
  g_assert_false (lq_chain_element_get_bypass (limiter));
  g_assert_true (lq_chain_snapshot_equal (a, chain));

  /* A second recall of the same settings changes nothing */
  g_assert_cmpint (lq_chain_snapshot_recall (a, chain, NULL, NULL), ==, LQ_SNAPSHOT_RECALL_UNCHANGED);

  /* Recall B, and the running elements follow through a sync (no rebuild) */
  g_assert_cmpint (lq_chain_snapshot_recall (b, chain, NULL, NULL), ==, LQ_SNAPSHOT_RECALL_APPLIED);
  g_assert_true (lq_chain_runner_sync (runner, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (element_double (lq_chain_runner_get_element (runner, 0), "threshold"), -24.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (element_double (lq_chain_runner_get_element (runner, 0), "attack"), 30.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (element_double (lq_chain_runner_get_element (runner, 1), "ceiling"), -0.3, 1e-9);
}

static void
test_recall_other_structure (void)
{
  g_autoptr(LqChain) chain = make_chain ();
  g_autoptr(LqChainSnapshot) a = lq_chain_snapshot_new (chain);
  g_autoptr(LqChainElement) eq = lq_chain_element_new ("lqeq");
  LqChainElement *limiter;

  /* The structure changes: an EQ in front, the compressor removed, the ceiling moved */
  lq_chain_insert (chain, 0, eq);
  lq_chain_remove (chain, 1);
  lq_chain_element_set (lq_chain_get_element (chain, 1), "ceiling", "-2.0");
  g_assert_false (lq_chain_snapshot_same_structure (a, chain));

  g_assert_cmpint (lq_chain_snapshot_recall (a, chain, NULL, NULL), ==, LQ_SNAPSHOT_RECALL_REPLACED);
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 2);
  g_assert_cmpstr (lq_chain_element_get_factory (lq_chain_get_element (chain, 0)), ==, "lqcompressor");
  g_assert_cmpstr (lq_chain_element_get_factory (lq_chain_get_element (chain, 1)), ==, "lqlimiter");
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (lq_chain_element_get (lq_chain_get_element (chain, 0), "threshold"), NULL), -18.0, 1e-9);
  limiter = lq_chain_get_element (chain, 1);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (lq_chain_element_get (limiter, "ceiling"), NULL), -1.0, 1e-9);

  /* The recalled elements are the chain's own: editing them does not change the snapshot */
  lq_chain_element_set (limiter, "ceiling", "-3.0");
  g_assert_cmpint (lq_chain_snapshot_recall (a, chain, NULL, NULL), ==, LQ_SNAPSHOT_RECALL_APPLIED);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (lq_chain_element_get (limiter, "ceiling"), NULL), -1.0, 1e-9);
}

static void
test_recall_undo (void)
{
  g_autoptr(LqChain) chain = make_chain ();
  g_autoptr(LqHistory) history = lq_history_new ();
  g_autoptr(LqChainSnapshot) a = lq_chain_snapshot_new (chain);
  LqChainElement *comp = lq_chain_get_element (chain, 0);

  lq_chain_element_set (comp, "threshold", "-30.0");
  lq_chain_element_set (comp, "ratio", "4.0");
  g_assert_cmpint (lq_chain_snapshot_recall (a, chain, history, "Recall Snapshot A"), ==, LQ_SNAPSHOT_RECALL_APPLIED);
  g_assert_cmpuint (lq_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (lq_history_get_undo_label (history), ==, "Recall Snapshot A");
  g_assert_true (lq_history_undo (history));
  g_assert_cmpstr (lq_chain_element_get (comp, "threshold"), ==, "-30.0");
  g_assert_cmpstr (lq_chain_element_get (comp, "ratio"), ==, "4.0");

  /* A structural recall is one step too */
  lq_chain_remove (chain, 0);
  g_assert_cmpint (lq_chain_snapshot_recall (a, chain, history, "Recall Snapshot A"), ==, LQ_SNAPSHOT_RECALL_REPLACED);
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 2);
  g_assert_true (lq_history_undo (history));
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 1);
  g_assert_cmpstr (lq_chain_element_get_factory (lq_chain_get_element (chain, 0)), ==, "lqlimiter");
}

static void
test_string (void)
{
  g_autoptr(LqChain) chain = make_chain ();
  g_autoptr(LqChainSnapshot) a = lq_chain_snapshot_new (chain);
  g_autofree char *text = lq_chain_snapshot_to_string (a);
  g_autoptr(LqChainSnapshot) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (strstr (text, "lqlimiter"));
  copy = lq_chain_snapshot_new_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (lq_chain_snapshot_equal (copy, chain));
  g_assert_null (lq_chain_snapshot_new_from_string ("{\"not\": \"a chain\"}", &error));
  g_assert_nonnull (error);
}

/* A project keeps each chain's other snapshot (A/B): saved and loaded, it recalls the settings
 * stored; a damaged snapshot member makes the file invalid, as any damaged member does. */
static void
test_saved (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-snapshot-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "album.lacquer", NULL);
  g_autofree char *source = g_build_filename (dir, "missing.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) source_file = g_file_new_for_path (source);
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqProject) loaded = NULL;
  g_autoptr(LqTrack) track = lq_track_new (source_file);
  g_autoptr(LqChain) a = make_chain ();
  g_autoptr(LqChainSnapshot) stored = lq_chain_snapshot_new (a);
  g_autoptr(LqChainSnapshot) recalled = NULL;
  g_autofree char *text = lq_chain_snapshot_to_string (stored);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  LqChain *chain;
  const char *other;

  /* The track's chain holds B (a limiter at -0.3) and keeps A; the master holds B, no A */
  {
    g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
    lq_chain_element_set (limiter, "ceiling", "-0.3");
    lq_chain_append (lq_track_get_chain (track), limiter);
  }
  lq_chain_set_snapshots (lq_track_get_chain (track), 1, text);
  lq_chain_set_snapshots (lq_project_get_master (project), 1, NULL);
  lq_project_append_track (project, track);
  g_assert_true (lq_project_save (project, file, NULL, &error));
  g_assert_no_error (error);

  loaded = lq_project_load (file, NULL, &error);
  g_assert_no_error (error);
  chain = lq_track_get_chain (lq_project_get_track (loaded, 0));
  g_assert_cmpint (lq_chain_get_snapshots (chain, &other), ==, 1);
  g_assert_nonnull (other);
  g_assert_cmpfloat (g_ascii_strtod (lq_chain_element_get (lq_chain_get_element (chain, 0), "ceiling"), NULL), ==, -0.3);
  /* Recalling the loaded A gives A's settings: the compressor and the limiter at -1 */
  recalled = lq_chain_snapshot_new_from_string (other, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lq_chain_snapshot_recall (recalled, chain, NULL, NULL), ==, LQ_SNAPSHOT_RECALL_REPLACED);
  g_assert_true (lq_chain_snapshot_equal (stored, chain));
  g_assert_cmpint (lq_chain_get_snapshots (lq_project_get_master (loaded), &other), ==, 1);
  g_assert_null (other);

  /* A project whose chains have only their own settings writes no snapshot member */
  lq_chain_set_snapshots (lq_track_get_chain (track), 0, NULL);
  lq_chain_set_snapshots (lq_project_get_master (project), 0, NULL);
  g_assert_true (lq_project_save (project, file, NULL, NULL));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "snapshots"));

  /* A damaged member: not a valid project */
  g_clear_pointer (&contents, g_free);
  lq_chain_set_snapshots (lq_project_get_master (project), 1, NULL);
  g_assert_true (lq_project_save (project, file, NULL, NULL));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  {
    g_autoptr(GString) damaged = g_string_new (contents);
    g_assert_cmpuint (g_string_replace (damaged, "\"held\" : \"B\"", "\"held\" : \"C\"", 0), ==, 1);
    g_assert_true (g_file_set_contents (path, damaged->str, -1, NULL));
  }
  g_clear_object (&loaded);
  loaded = lq_project_load (file, NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, LQ_ENGINE_ERROR, LQ_ENGINE_ERROR_PROJECT_CORRUPT);
  lq_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  lq_elements_init ();

  g_test_add_func ("/lq/chain-snapshot/recall-same-structure", test_recall_same_structure);
  g_test_add_func ("/lq/chain-snapshot/recall-other-structure", test_recall_other_structure);
  g_test_add_func ("/lq/chain-snapshot/recall-undo", test_recall_undo);
  g_test_add_func ("/lq/chain-snapshot/string", test_string);
  g_test_add_func ("/lq/chain-snapshot/saved", test_saved);
  return g_test_run ();
}
