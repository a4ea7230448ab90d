/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LqHistory: undo/redo restores exact values, merges drags, labels, the save point, the depth
 * limit and the references steps hold. Expected states are snapshots the test takes itself
 * (every property printed exactly, list order), never values read from the history. */
#include "config.h"

#include <gst/gst.h>

#include "lq-history.h"
#include "lq-project.h"

/* A test object with one property of each kind, and a setter that clamps. */
#define TEST_TYPE_THING (test_thing_get_type ())
G_DECLARE_FINAL_TYPE (TestThing, test_thing, TEST, THING, GObject)

struct _TestThing
{
  GObject parent_instance;
  int count;
  double gain;
  char *name;
  gboolean enabled;
  double level; /* the setter clamps it to [0, 10] */
};

G_DEFINE_FINAL_TYPE (TestThing, test_thing, G_TYPE_OBJECT)

enum { THING_PROP_0, THING_PROP_COUNT, THING_PROP_GAIN, THING_PROP_NAME, THING_PROP_ENABLED,
       THING_PROP_LEVEL, THING_N_PROPS };

static void
test_thing_finalize (GObject *object)
{
  g_free (TEST_THING (object)->name);
  G_OBJECT_CLASS (test_thing_parent_class)->finalize (object);
}

static void
test_thing_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestThing *self = TEST_THING (object);

  switch (id)
    {
    case THING_PROP_COUNT: g_value_set_int (value, self->count); break;
    case THING_PROP_GAIN: g_value_set_double (value, self->gain); break;
    case THING_PROP_NAME: g_value_set_string (value, self->name); break;
    case THING_PROP_ENABLED: g_value_set_boolean (value, self->enabled); break;
    case THING_PROP_LEVEL: g_value_set_double (value, self->level); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_thing_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestThing *self = TEST_THING (object);

  switch (id)
    {
    case THING_PROP_COUNT: self->count = g_value_get_int (value); break;
    case THING_PROP_GAIN: self->gain = g_value_get_double (value); break;
    case THING_PROP_NAME: g_free (self->name); self->name = g_value_dup_string (value); break;
    case THING_PROP_ENABLED: self->enabled = g_value_get_boolean (value); break;
    case THING_PROP_LEVEL: self->level = CLAMP (g_value_get_double (value), 0.0, 10.0); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_thing_class_init (TestThingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = test_thing_finalize;
  object_class->get_property = test_thing_get_property;
  object_class->set_property = test_thing_set_property;
  g_object_class_install_property (object_class, THING_PROP_COUNT,
    g_param_spec_int ("count", NULL, NULL, -1000, 1000, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, THING_PROP_GAIN,
    g_param_spec_double ("gain", "Gain", NULL, -100, 100, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, THING_PROP_NAME,
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, THING_PROP_ENABLED,
    g_param_spec_boolean ("enabled", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, THING_PROP_LEVEL,
    g_param_spec_double ("level", NULL, NULL, -1000, 1000, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
test_thing_init (TestThing *self)
{
}

/* Every readable property of @object, printed exactly (doubles in hex). */
static void
append_object (GString *out, GObject *object)
{
  guint n;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n);

  g_string_append_printf (out, "%s@%p{", G_OBJECT_TYPE_NAME (object), (void *) object);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) v = G_VALUE_INIT;

      if (!(pspecs[i]->flags & G_PARAM_READABLE))
        continue;
      g_value_init (&v, pspecs[i]->value_type);
      g_object_get_property (object, pspecs[i]->name, &v);
      g_string_append_printf (out, "%s=", pspecs[i]->name);
      switch (G_TYPE_FUNDAMENTAL (pspecs[i]->value_type))
        {
        case G_TYPE_DOUBLE: g_string_append_printf (out, "%a", g_value_get_double (&v)); break;
        case G_TYPE_FLOAT: g_string_append_printf (out, "%a", (double) g_value_get_float (&v)); break;
        case G_TYPE_STRING:
          g_string_append_printf (out, "%s%s", g_value_get_string (&v) ? "s:" : "",
                                  g_value_get_string (&v) ? g_value_get_string (&v) : "NULL");
          break;
        case G_TYPE_OBJECT: g_string_append_printf (out, "%p", g_value_get_object (&v)); break;
        default:
          {
            g_autofree char *s = g_strdup_value_contents (&v);
            g_string_append (out, s);
          }
        }
      g_string_append_c (out, ';');
    }
  g_string_append_c (out, '}');
}

/* A chain's elements in order: factory, bypass and every setting. */
static void
append_chain (GString *out, LqChain *chain)
{
  g_string_append_printf (out, "chain@%p[", (void *) chain);
  for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
    {
      LqChainElement *element = lq_chain_get_element (chain, i);
      g_auto(GStrv) names = lq_chain_element_list_properties (element);

      g_string_append_printf (out, "%s@%p bypass=%d", lq_chain_element_get_factory (element),
                              (void *) element, lq_chain_element_get_bypass (element));
      for (guint k = 0; names[k] != NULL; k++)
        g_string_append_printf (out, " %s=%s", names[k], lq_chain_element_get (element, names[k]));
      g_string_append (out, "; ");
    }
  g_string_append_c (out, ']');
}

typedef struct
{
  LqHistory *history;
  LqProject *project;
  GListStore *tracks;  /* the project's track list */
  GPtrArray *things;   /* TestThing */
  GPtrArray *pool;     /* LqTrack that may be inserted */
} Fixture;

static char *
snapshot (Fixture *f)
{
  GString *out = g_string_new (NULL);

  append_object (out, G_OBJECT (f->project));
  append_chain (out, lq_project_get_master (f->project));
  for (guint i = 0; i < f->things->len; i++)
    append_object (out, g_ptr_array_index (f->things, i));
  g_string_append (out, "\ntracks:");
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->tracks)); i++)
    append_object (out, G_OBJECT (lq_project_get_track (f->project, i)));
  /* Tracks out of the list keep their properties too. */
  g_string_append (out, "\npool:");
  for (guint i = 0; i < f->pool->len; i++)
    {
      append_object (out, g_ptr_array_index (f->pool, i));
      append_chain (out, lq_track_get_chain (g_ptr_array_index (f->pool, i)));
    }
  return g_string_free (out, FALSE);
}

static LqTrack *
new_track (const char *name)
{
  g_autofree char *path = g_strdup_printf ("/nonexistent/lq-history/%s.wav", name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LqTrack *track = lq_track_new (file);

  lq_track_set_title (track, name);
  return track;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->history = lq_history_new ();
  f->project = lq_project_new ();
  f->tracks = G_LIST_STORE (lq_project_get_tracks (f->project));
  f->things = g_ptr_array_new_with_free_func (g_object_unref);
  f->pool = g_ptr_array_new_with_free_func (g_object_unref);
  lq_project_set_title (f->project, "Before");
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (f->things, g_object_new (TEST_TYPE_THING, NULL));
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("Track %u", i);
      LqTrack *track = new_track (name);

      g_ptr_array_add (f->pool, track);
      if (i < 3)
        lq_project_append_track (f->project, track);
    }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->history);
  g_clear_pointer (&f->things, g_ptr_array_unref);
  g_clear_pointer (&f->pool, g_ptr_array_unref);
  g_assert_finalize_object (f->project);
}

static void
random_edit (Fixture *f, GRand *rand)
{
  guint n_tracks = g_list_model_get_n_items (G_LIST_MODEL (f->tracks));
  g_auto(GValue) v = G_VALUE_INIT;
  TestThing *thing = g_ptr_array_index (f->things, g_rand_int_range (rand, 0, f->things->len));

  LqChain *chain = g_rand_boolean (rand)
                   ? lq_project_get_master (f->project)
                   : lq_track_get_chain (g_ptr_array_index (f->pool, g_rand_int_range (rand, 0, f->pool->len)));
  guint n_elements = lq_chain_get_n_elements (chain);
  LqChainElement *element = n_elements ? lq_chain_get_element (chain, g_rand_int_range (rand, 0, n_elements)) : NULL;
  static const char *const settings[] = { "gain", "ceiling", "band0::gain", "mode" };

  switch (g_rand_int_range (rand, 0, 15))
    {
    case 0:
      g_value_init (&v, G_TYPE_INT);
      g_value_set_int (&v, g_rand_int_range (rand, -1000, 1001));
      lq_history_set_property (f->history, G_OBJECT (thing), "count", &v, "Count");
      break;
    case 1:
      g_value_init (&v, G_TYPE_DOUBLE);
      g_value_set_double (&v, g_rand_double_range (rand, -100, 100));
      lq_history_set_property (f->history, G_OBJECT (thing), "gain", &v, NULL);
      break;
    case 2:
      {
        g_autofree char *s = g_strdup_printf ("name %u", g_rand_int (rand));

        g_value_init (&v, G_TYPE_STRING);
        g_value_set_string (&v, g_rand_boolean (rand) ? s : NULL);
        lq_history_set_property (f->history, G_OBJECT (thing), "name", &v, "Rename");
      }
      break;
    case 3:
      lq_history_set (f->history, thing, "Toggle", "enabled", g_rand_boolean (rand), NULL);
      break;
    case 4: /* clamped by the setter: the stored value is what counts */
      g_value_init (&v, G_TYPE_DOUBLE);
      g_value_set_double (&v, g_rand_double_range (rand, -20, 20));
      lq_history_set_property (f->history, G_OBJECT (thing), "level", &v, "Level");
      break;
    case 5:
      {
        g_autofree char *s = g_strdup_printf ("Album %u", g_rand_int (rand));
        LqTrack *track = n_tracks ? lq_project_get_track (f->project, g_rand_int_range (rand, 0, n_tracks)) : NULL;

        if (track != NULL && g_rand_boolean (rand))
          lq_history_set (f->history, track, "Track Info", "title", s, "performer", "Someone", NULL);
        else
          lq_history_set (f->history, f->project, "Title", "title", s, NULL);
      }
      break;
    case 6:
      {
        LqTrack *track = g_ptr_array_index (f->pool, g_rand_int_range (rand, 0, f->pool->len));

        if (g_list_store_find (f->tracks, track, NULL))
          break;
        lq_history_list_insert (f->history, f->tracks, g_rand_int_range (rand, 0, n_tracks + 1), track, "Add Track");
      }
      break;
    case 7:
      if (n_tracks > 0)
        lq_history_list_remove (f->history, f->tracks, g_rand_int_range (rand, 0, n_tracks), "Remove Track");
      break;
    case 8:
      if (n_tracks > 1)
        lq_history_list_move (f->history, f->tracks, g_rand_int_range (rand, 0, n_tracks),
                              g_rand_int_range (rand, 0, n_tracks), "Move Track");
      break;
    case 9:
      {
        LqTrack *track = g_ptr_array_index (f->pool, g_rand_int_range (rand, 0, f->pool->len));

        if (n_tracks == 0 || g_list_store_find (f->tracks, track, NULL))
          break;
        lq_history_list_replace (f->history, f->tracks, g_rand_int_range (rand, 0, n_tracks), track, "Replace Track");
      }
      break;
    case 10:
    case 11:
      if (element != NULL)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          const char *setting = settings[g_rand_int_range (rand, 0, G_N_ELEMENTS (settings))];

          g_ascii_dtostr (buf, sizeof buf, g_rand_double_range (rand, -24, 24));
          lq_history_chain_element_set (f->history, element, setting,
                                        g_rand_int_range (rand, 0, 5) ? buf : NULL, "Setting");
        }
      break;
    case 12:
      if (element != NULL)
        lq_history_chain_element_set_bypass (f->history, element, g_rand_boolean (rand), NULL);
      break;
    case 13:
      if (n_elements < 5)
        {
          g_autoptr(LqChainElement) added = lq_chain_element_new (g_rand_boolean (rand) ? "lqgain" : "lqlimiter");
          lq_history_chain_insert (f->history, chain, g_rand_int_range (rand, 0, n_elements + 1), added, NULL);
        }
      else if (g_rand_boolean (rand))
        {
          lq_history_chain_remove (f->history, chain, g_rand_int_range (rand, 0, n_elements), NULL);
        }
      break;
    case 14:
      if (n_elements > 1)
        lq_history_chain_move (f->history, chain, g_rand_int_range (rand, 0, n_elements),
                               g_rand_int_range (rand, 0, n_elements), NULL);
      break;
    }
}

static void
test_random_edits (Fixture *f, gconstpointer data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240501);
  g_autofree char *initial = snapshot (f);
  g_autofree char *final = NULL;
  GPtrArray *states = g_ptr_array_new_with_free_func (g_free);
  guint steps;

  /* No merging here: every effective edit is a step, and the state after each is kept. */
  lq_history_set_merge_window (f->history, 0);
  g_ptr_array_add (states, g_strdup (initial));
  for (guint i = 0; i < 900; i++)
    {
      guint before = lq_history_get_n_undo (f->history);

      random_edit (f, rand);
      if (lq_history_get_n_undo (f->history) != before)
        {
          g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, before + 1);
          g_ptr_array_add (states, snapshot (f));
        }
    }
  steps = lq_history_get_n_undo (f->history);
  g_assert_cmpuint (steps, ==, states->len - 1);
  g_assert_cmpuint (steps, >, 600);
  final = snapshot (f);
  g_assert_cmpstr (final, !=, initial);

  /* Undo all: each step back gives the state recorded before it. */
  for (guint i = steps; i > 0; i--)
    {
      g_autofree char *now = NULL;

      g_assert_true (lq_history_undo (f->history));
      now = snapshot (f);
      g_assert_cmpstr (now, ==, g_ptr_array_index (states, i - 1));
    }
  g_assert_false (lq_history_undo (f->history));
  g_assert_false (lq_history_get_can_undo (f->history));
  {
    g_autofree char *now = snapshot (f);
    g_assert_cmpstr (now, ==, initial);
  }

  /* Redo all: the final state again. */
  for (guint i = 1; i <= steps; i++)
    {
      g_autofree char *now = NULL;

      g_assert_true (lq_history_redo (f->history));
      now = snapshot (f);
      g_assert_cmpstr (now, ==, g_ptr_array_index (states, i));
    }
  g_assert_false (lq_history_redo (f->history));
  {
    g_autofree char *now = snapshot (f);
    g_assert_cmpstr (now, ==, final);
  }
  g_ptr_array_unref (states);
}

static void
test_clamped_value (Fixture *f, gconstpointer data)
{
  TestThing *thing = g_ptr_array_index (f->things, 0);

  lq_history_set (f->history, thing, NULL, "level", 4.0, NULL);
  lq_history_stop_merging (f->history);
  lq_history_set (f->history, thing, NULL, "level", 25.0, NULL);
  g_assert_cmpfloat (thing->level, ==, 10.0);
  /* Clamped to what it already is: nothing to record. */
  lq_history_stop_merging (f->history);
  {
    g_auto(GValue) v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_DOUBLE);
    g_value_set_double (&v, 99.0);
    g_assert_false (lq_history_set_property (f->history, G_OBJECT (thing), "level", &v, NULL));
  }
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 2);
  /* An int value into a double property is converted. */
  lq_history_set (f->history, thing, NULL, "gain", 3.5, NULL);
  {
    g_auto(GValue) v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_INT);
    g_value_set_int (&v, -7);
    g_assert_true (lq_history_set_property (f->history, G_OBJECT (thing), "gain", &v, NULL));
    g_assert_cmpfloat (thing->gain, ==, -7.0);
  }
  lq_history_undo (f->history);
  g_assert_cmpfloat (thing->gain, ==, 0.0); /* the two gain edits merged */
  lq_history_undo (f->history);
  g_assert_cmpfloat (thing->level, ==, 4.0);
  lq_history_redo (f->history);
  g_assert_cmpfloat (thing->level, ==, 10.0);
}

static void
test_merge (Fixture *f, gconstpointer data)
{
  TestThing *a = g_ptr_array_index (f->things, 0);
  TestThing *b = g_ptr_array_index (f->things, 1);

  /* A drag: 50 edits of one property within the window are one step. */
  lq_history_set_merge_window (f->history, 60 * 1000);
  for (int i = 1; i <= 50; i++)
    lq_history_set (f->history, a, "Gain", "gain", i * 0.5, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 1);
  g_assert_cmpfloat (a->gain, ==, 25.0);

  /* Another object, or another property, starts a new step; so does stop_merging. */
  lq_history_set (f->history, b, "Gain", "gain", 1.0, NULL);
  lq_history_set (f->history, b, "Gain", "gain", 2.0, NULL);
  lq_history_set (f->history, b, "Count", "count", 5, NULL);
  lq_history_set (f->history, b, "Gain", "gain", 3.0, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 4);
  lq_history_stop_merging (f->history);
  lq_history_set (f->history, b, "Gain", "gain", 4.0, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 5);

  /* No merging across an undo. */
  lq_history_undo (f->history);
  g_assert_cmpfloat (b->gain, ==, 3.0);
  lq_history_set (f->history, b, "Gain", "gain", 6.0, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 5);
  g_assert_false (lq_history_get_can_redo (f->history));

  for (guint i = 0; i < 5; i++)
    g_assert_true (lq_history_undo (f->history));
  g_assert_cmpfloat (a->gain, ==, 0.0);
  g_assert_cmpfloat (b->gain, ==, 0.0);
  g_assert_cmpint (b->count, ==, 0);
  lq_history_redo (f->history);
  g_assert_cmpfloat (a->gain, ==, 25.0);
  lq_history_redo (f->history);
  g_assert_cmpfloat (b->gain, ==, 2.0);

  /* Dragging back to where the drag started leaves no step. */
  lq_history_clear (f->history);
  lq_history_set (f->history, a, "Gain", "gain", 30.0, NULL);
  lq_history_set (f->history, a, "Gain", "gain", 25.0, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 0);

  /* Edits further apart than the window stay separate. */
  lq_history_set_merge_window (f->history, 20);
  lq_history_set (f->history, a, "Gain", "gain", 1.0, NULL);
  g_usleep (80 * 1000);
  lq_history_set (f->history, a, "Gain", "gain", 2.0, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 2);

  /* A window of 0 never merges. */
  lq_history_set_merge_window (f->history, 0);
  lq_history_set (f->history, a, "Gain", "gain", 3.0, NULL);
  lq_history_set (f->history, a, "Gain", "gain", 4.0, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 4);
}

static void
test_group (Fixture *f, gconstpointer data)
{
  TestThing *a = g_ptr_array_index (f->things, 0);
  g_autofree char *initial = NULL;
  g_autofree char *after = NULL;
  g_autofree char *now = NULL;

  lq_history_set_merge_window (f->history, 0);
  initial = snapshot (f);

  /* A drag with a group: many edits of several kinds, one step with the group's label. */
  lq_history_begin_group (f->history, "Fade Out");
  for (int i = 0; i < 20; i++)
    lq_history_set (f->history, a, "Gain", "gain", -i * 1.0, NULL);
  lq_history_begin_group (f->history, "Inner");
  lq_history_set (f->history, a, NULL, "count", 9, "name", "faded", NULL);
  lq_history_end_group (f->history);
  lq_history_list_move (f->history, f->tracks, 0, 2, NULL);
  lq_history_set (f->history, a, "Gain", "gain", -3.0, NULL);
  g_assert_true (lq_history_get_can_undo (f->history));
  lq_history_end_group (f->history);

  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 1);
  g_assert_cmpstr (lq_history_get_undo_label (f->history), ==, "Fade Out");
  after = snapshot (f);
  g_assert_true (lq_history_undo (f->history));
  now = snapshot (f);
  g_assert_cmpstr (now, ==, initial);
  g_assert_true (lq_history_redo (f->history));
  g_clear_pointer (&now, g_free);
  now = snapshot (f);
  g_assert_cmpstr (now, ==, after);
  g_assert_cmpfloat (a->gain, ==, -3.0);
  g_assert_cmpstr (lq_track_get_title (lq_project_get_track (f->project, 2)), ==, "Track 0");

  /* An empty group (or one whose edits cancel out) records nothing. */
  lq_history_begin_group (f->history, "Nothing");
  lq_history_end_group (f->history);
  lq_history_begin_group (f->history, "Back and forth");
  lq_history_set (f->history, a, NULL, "count", 100, NULL);
  lq_history_set (f->history, a, NULL, "count", 9, NULL);
  lq_history_end_group (f->history);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 1);
  g_assert_cmpstr (lq_history_get_undo_label (f->history), ==, "Fade Out");

  /* The next edit after a group is a step of its own, even within the merge window. */
  lq_history_set_merge_window (f->history, 60 * 1000);
  lq_history_set (f->history, a, "Gain", "gain", -4.0, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 2);
}

typedef struct
{
  guint changed;
  guint notify_can_undo;
  guint notify_can_redo;
  guint notify_undo_label;
  guint notify_redo_label;
  guint notify_modified;
} Counts;

static void
on_notify (GObject *object, GParamSpec *pspec, Counts *c)
{
  if (g_str_equal (pspec->name, "can-undo")) c->notify_can_undo++;
  else if (g_str_equal (pspec->name, "can-redo")) c->notify_can_redo++;
  else if (g_str_equal (pspec->name, "undo-label")) c->notify_undo_label++;
  else if (g_str_equal (pspec->name, "redo-label")) c->notify_redo_label++;
  else if (g_str_equal (pspec->name, "modified")) c->notify_modified++;
}

static void
on_changed (LqHistory *history, Counts *c)
{
  c->changed++;
}

static void
test_labels (Fixture *f, gconstpointer data)
{
  TestThing *a = g_ptr_array_index (f->things, 0);
  Counts c = { 0 };
  gboolean can_undo, can_redo;
  g_autofree char *undo_label = NULL;
  g_autofree char *redo_label = NULL;

  g_signal_connect (f->history, "notify", G_CALLBACK (on_notify), &c);
  g_signal_connect (f->history, "changed", G_CALLBACK (on_changed), &c);
  lq_history_set_merge_window (f->history, 0);

  g_assert_false (lq_history_get_can_undo (f->history));
  g_assert_null (lq_history_get_undo_label (f->history));

  lq_history_set (f->history, a, "Set Count", "count", 1, NULL);
  lq_history_set (f->history, a, NULL, "gain", 1.0, NULL); /* no label: the property's nick */
  lq_history_set (f->history, f->project, "Rename Album", "title", "After", NULL);
  g_assert_cmpuint (c.changed, ==, 3);
  g_assert_cmpuint (c.notify_can_undo, ==, 1);
  g_assert_cmpuint (c.notify_undo_label, ==, 3);
  g_assert_cmpuint (c.notify_modified, ==, 1);

  g_object_get (f->history, "can-undo", &can_undo, "can-redo", &can_redo,
                "undo-label", &undo_label, "redo-label", &redo_label, NULL);
  g_assert_true (can_undo);
  g_assert_false (can_redo);
  g_assert_cmpstr (undo_label, ==, "Rename Album");
  g_assert_null (redo_label);

  lq_history_undo (f->history);
  g_assert_cmpstr (lq_project_get_title (f->project), ==, "Before");
  g_assert_cmpstr (lq_history_get_undo_label (f->history), ==, "Gain");
  g_assert_cmpstr (lq_history_get_redo_label (f->history), ==, "Rename Album");
  g_assert_cmpuint (c.notify_can_redo, ==, 1);
  lq_history_undo (f->history);
  g_assert_cmpstr (lq_history_get_undo_label (f->history), ==, "Set Count");
  g_assert_cmpstr (lq_history_get_redo_label (f->history), ==, "Gain");
  lq_history_undo (f->history);
  g_assert_false (lq_history_get_can_undo (f->history));
  g_assert_null (lq_history_get_undo_label (f->history));
  g_assert_cmpuint (c.notify_can_undo, ==, 2);
  g_assert_cmpuint (c.changed, ==, 6);

  /* A new edit drops the redo steps. */
  lq_history_set (f->history, a, "Set Count", "count", 2, NULL);
  g_assert_false (lq_history_get_can_redo (f->history));
  g_assert_null (lq_history_get_redo_label (f->history));
  g_assert_cmpuint (c.notify_can_redo, ==, 2);

  /* Default labels of the list helpers. */
  lq_history_list_remove (f->history, f->tracks, 0, NULL);
  g_assert_nonnull (lq_history_get_undo_label (f->history));
}

static void
test_save_point (Fixture *f, gconstpointer data)
{
  TestThing *a = g_ptr_array_index (f->things, 0);
  Counts c = { 0 };

  g_signal_connect (f->history, "notify", G_CALLBACK (on_notify), &c);
  lq_history_set_merge_window (f->history, 0);

  g_assert_false (lq_history_is_modified (f->history));
  lq_history_set (f->history, a, NULL, "count", 1, NULL);
  lq_history_set (f->history, a, NULL, "count", 2, NULL);
  g_assert_true (lq_history_is_modified (f->history));
  g_assert_cmpuint (c.notify_modified, ==, 1);

  /* Undo back to the start: clean again, redo: modified. */
  lq_history_undo (f->history);
  lq_history_undo (f->history);
  g_assert_false (lq_history_is_modified (f->history));
  lq_history_redo (f->history);
  g_assert_true (lq_history_is_modified (f->history));

  /* Saved after step 1: undo before it or redo past it is modified, back to it is clean. */
  lq_history_mark_saved (f->history);
  g_assert_false (lq_history_is_modified (f->history));
  lq_history_redo (f->history);
  g_assert_true (lq_history_is_modified (f->history));
  lq_history_undo (f->history);
  g_assert_false (lq_history_is_modified (f->history));
  lq_history_undo (f->history);
  g_assert_true (lq_history_is_modified (f->history));
  lq_history_redo (f->history);
  g_assert_false (lq_history_is_modified (f->history));

  /* An edit right after saving is a new step, even within the merge window. */
  lq_history_set_merge_window (f->history, 60 * 1000);
  lq_history_set (f->history, a, NULL, "gain", 1.0, NULL);
  lq_history_mark_saved (f->history);
  lq_history_set (f->history, a, NULL, "gain", 2.0, NULL);
  g_assert_true (lq_history_is_modified (f->history));
  lq_history_undo (f->history);
  g_assert_false (lq_history_is_modified (f->history));
  g_assert_cmpfloat (a->gain, ==, 1.0);

  /* Saved in the middle of a group: the group's later edits make it modified. */
  lq_history_begin_group (f->history, "Drag");
  lq_history_set (f->history, a, NULL, "gain", 5.0, NULL);
  lq_history_mark_saved (f->history);
  g_assert_false (lq_history_is_modified (f->history));
  lq_history_set (f->history, a, NULL, "gain", 6.0, NULL);
  g_assert_true (lq_history_is_modified (f->history));
  lq_history_end_group (f->history);
  lq_history_undo (f->history);
  g_assert_cmpfloat (a->gain, ==, 1.0);
  g_assert_true (lq_history_is_modified (f->history));

  /* Branching away from the save point: the saved state cannot come back. */
  lq_history_redo (f->history);
  lq_history_mark_saved (f->history);
  lq_history_undo (f->history);
  lq_history_set (f->history, a, NULL, "name", "elsewhere", NULL);
  g_assert_true (lq_history_is_modified (f->history));
  g_assert_false (lq_history_get_can_redo (f->history));
  lq_history_undo (f->history);
  g_assert_true (lq_history_is_modified (f->history));
  lq_history_redo (f->history);
  g_assert_true (lq_history_is_modified (f->history));

  /* clear keeps the modified state; mark_unsaved forces it. */
  lq_history_mark_saved (f->history);
  lq_history_clear (f->history);
  g_assert_false (lq_history_is_modified (f->history));
  g_assert_false (lq_history_get_can_undo (f->history));
  lq_history_mark_unsaved (f->history);
  g_assert_true (lq_history_is_modified (f->history));
  {
    gboolean modified = FALSE;

    g_object_get (f->history, "modified", &modified, NULL);
    g_assert_true (modified);
  }
  lq_history_mark_saved (f->history);
  g_assert_false (lq_history_is_modified (f->history));
}

static void
test_depth (Fixture *f, gconstpointer data)
{
  TestThing *a = g_ptr_array_index (f->things, 0);

  lq_history_set_merge_window (f->history, 0);
  lq_history_set_max_depth (f->history, 10);
  for (int i = 1; i <= 25; i++)
    lq_history_set (f->history, a, NULL, "count", i, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 10);
  while (lq_history_undo (f->history))
    ;
  /* The oldest 15 steps are forgotten: undo stops at the value after step 15. */
  g_assert_cmpint (a->count, ==, 15);
  /* The save point (the start) was among them: never clean again by undo or redo. */
  g_assert_true (lq_history_is_modified (f->history));
  while (lq_history_redo (f->history))
    g_assert_true (lq_history_is_modified (f->history));
  g_assert_cmpint (a->count, ==, 25);

  /* Lowering the limit trims at once; the default is 1000. */
  lq_history_set_max_depth (f->history, 3);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 3);
  {
    g_autoptr(LqHistory) fresh = lq_history_new ();
    g_assert_cmpuint (lq_history_get_max_depth (fresh), ==, 1000);
  }
}

static void
test_references (Fixture *f, gconstpointer data)
{
  TestThing *thing = g_object_new (TEST_TYPE_THING, NULL);
  LqTrack *track = lq_project_get_track (f->project, 1);
  GObject *weak_thing = G_OBJECT (thing);
  GObject *weak_track = G_OBJECT (track);

  g_object_add_weak_pointer (weak_thing, (gpointer *) &weak_thing);
  g_object_add_weak_pointer (weak_track, (gpointer *) &weak_track);

  /* The steps keep what they edit alive, so undo never touches a freed object. */
  lq_history_set (f->history, thing, NULL, "count", 3, NULL);
  g_object_unref (thing);
  g_assert_nonnull (weak_thing);
  lq_history_list_remove (f->history, f->tracks, 1, "Remove Track");
  g_ptr_array_remove (f->pool, track);
  g_assert_nonnull (weak_track);
  g_assert_cmpuint (lq_project_get_n_tracks (f->project), ==, 2);

  g_assert_true (lq_history_undo (f->history));
  g_assert_true (lq_project_get_track (f->project, 1) == (LqTrack *) weak_track);
  g_assert_true (lq_history_undo (f->history));
  g_assert_cmpint (TEST_THING (weak_thing)->count, ==, 0);

  /* Forgetting the steps releases them. */
  lq_history_clear (f->history);
  g_assert_null (weak_thing);
  g_assert_nonnull (weak_track); /* back in the project */
  lq_history_list_remove (f->history, f->tracks, 1, "Remove Track");
  g_assert_nonnull (weak_track);
  g_assert_finalize_object (f->history);
  f->history = lq_history_new ();
  g_assert_null (weak_track);
}

static int custom_redo_calls;
static int custom_undo_calls;
static int custom_destroy_calls;

typedef struct
{
  LqHistory *history;
  TestThing *thing;
} Custom;

static void
custom_redo (gpointer data)
{
  Custom *c = data;

  custom_redo_calls++;
  /* Edits inside a redo function are applied, not recorded. */
  lq_history_set (c->history, c->thing, NULL, "count", 42, NULL);
}

static void
custom_undo (gpointer data)
{
  Custom *c = data;

  custom_undo_calls++;
  lq_history_set (c->history, c->thing, NULL, "count", 0, NULL);
}

static void
custom_destroy (gpointer data)
{
  custom_destroy_calls++;
  g_free (data);
}

static void
test_custom (Fixture *f, gconstpointer data)
{
  Custom *c = g_new0 (Custom, 1);

  c->history = f->history;
  c->thing = g_ptr_array_index (f->things, 0);
  custom_redo_calls = custom_undo_calls = custom_destroy_calls = 0;

  /* push applies redo once. */
  lq_history_push (f->history, "Custom", custom_undo, custom_redo, c, custom_destroy);
  g_assert_cmpint (custom_redo_calls, ==, 1);
  g_assert_cmpint (c->thing->count, ==, 42);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 1);
  g_assert_cmpstr (lq_history_get_undo_label (f->history), ==, "Custom");

  lq_history_undo (f->history);
  g_assert_cmpint (custom_undo_calls, ==, 1);
  g_assert_cmpint (c->thing->count, ==, 0);
  g_assert_cmpuint (lq_history_get_n_redo (f->history), ==, 1);
  lq_history_redo (f->history);
  g_assert_cmpint (custom_redo_calls, ==, 2);
  g_assert_cmpint (c->thing->count, ==, 42);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 1);

  /* Dropping the step (undo, then a new edit clears redo) frees the data once. */
  lq_history_undo (f->history);
  lq_history_set (f->history, c->thing, NULL, "gain", 1.0, NULL);
  g_assert_cmpint (custom_destroy_calls, ==, 1);
}

static void
test_child_proxy (Fixture *f, gconstpointer data)
{
  GstElement *bin = gst_object_ref_sink (gst_bin_new ("chain"));
  GstElement *identity = gst_element_factory_make ("identity", "stage");
  g_auto(GValue) v = G_VALUE_INIT;
  gfloat probability;

  g_assert_nonnull (identity);
  gst_bin_add (GST_BIN (bin), identity);

  g_value_init (&v, G_TYPE_DOUBLE);
  g_value_set_double (&v, 0.25);
  g_assert_true (lq_history_set_property (f->history, G_OBJECT (bin), "stage::drop-probability", &v, NULL));
  g_object_get (identity, "drop-probability", &probability, NULL);
  g_assert_cmpfloat (probability, ==, 0.25f);
  lq_history_set (f->history, bin, "Stage", "stage::sleep-time", 7u, NULL);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 2);

  lq_history_undo (f->history);
  lq_history_undo (f->history);
  g_object_get (identity, "drop-probability", &probability, NULL);
  g_assert_cmpfloat (probability, ==, 0.0f);
  lq_history_redo (f->history);
  g_object_get (identity, "drop-probability", &probability, NULL);
  g_assert_cmpfloat (probability, ==, 0.25f);

  lq_history_clear (f->history);
  gst_object_unref (bin);
}

static void
test_chain (Fixture *f, gconstpointer data)
{
  LqChain *chain = lq_track_get_chain (g_ptr_array_index (f->pool, 0));
  g_autoptr(LqChainElement) eq = lq_chain_element_new ("lqeq");
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");

  lq_history_set_merge_window (f->history, 60 * 1000);
  lq_history_chain_insert (f->history, chain, 0, limiter, NULL);
  lq_history_chain_insert (f->history, chain, 0, eq, "Add EQ");
  g_assert_true (lq_chain_get_element (chain, 0) == eq);
  g_assert_cmpstr (lq_history_get_undo_label (f->history), ==, "Add EQ");

  /* A drag of one band's gain: one step; its old value (unset) comes back on undo. */
  for (int i = 1; i <= 30; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      lq_history_chain_element_set (f->history, eq, "band0::gain", g_ascii_dtostr (buf, sizeof buf, i * 0.25), "EQ Gain");
    }
  g_assert_cmpstr (lq_chain_element_get (eq, "band0::gain"), ==, "7.5");
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 3);
  g_assert_false (lq_history_chain_element_set (f->history, eq, "band0::gain", "7.5", NULL));

  lq_history_chain_element_set (f->history, limiter, "ceiling", "-1", "Ceiling");
  lq_history_chain_element_set_bypass (f->history, limiter, TRUE, NULL);
  lq_history_chain_move (f->history, chain, 0, 1, NULL);
  g_assert_true (lq_chain_get_element (chain, 0) == limiter);
  g_assert_cmpuint (lq_history_get_n_undo (f->history), ==, 6);

  lq_history_undo (f->history); /* move */
  g_assert_true (lq_chain_get_element (chain, 0) == eq);
  lq_history_undo (f->history); /* bypass */
  g_assert_false (lq_chain_element_get_bypass (limiter));
  lq_history_undo (f->history); /* ceiling */
  g_assert_null (lq_chain_element_get (limiter, "ceiling"));
  lq_history_undo (f->history); /* drag */
  g_assert_null (lq_chain_element_get (eq, "band0::gain"));
  lq_history_redo (f->history);
  g_assert_cmpstr (lq_chain_element_get (eq, "band0::gain"), ==, "7.5");

  /* Removing keeps the element (and its settings) for undo. */
  lq_history_chain_remove (f->history, chain, 0, NULL);
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 1);
  lq_history_undo (f->history);
  g_assert_true (lq_chain_get_element (chain, 0) == eq);
  g_assert_cmpstr (lq_chain_element_get (eq, "band0::gain"), ==, "7.5");
  while (lq_history_undo (f->history))
    ;
  g_assert_cmpuint (lq_chain_get_n_elements (chain), ==, 0);
}

static void
test_bad_property (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      g_auto(GValue) v = G_VALUE_INIT;

      g_value_init (&v, G_TYPE_INT);
      lq_history_set_property (f->history, G_OBJECT (f->project), "no-such-thing", &v, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*no property*no-such-thing*");
}

/* The level-matching anchor is a track: moving tracks, removing and undoing keep it on the same
 * track, wherever that track is in the list. */
static void
test_anchor_follows_track (Fixture *f, gconstpointer data)
{
  LqTrack *anchor = lq_project_get_track (f->project, 1);

  g_object_set (f->project, "match-anchor", 1, NULL);
  lq_history_list_move (f->history, f->tracks, 1, 2, NULL);
  g_assert_true (lq_project_get_track (f->project, 2) == anchor);
  g_assert_cmpint (lq_project_get_match_anchor (f->project), ==, 2);
  lq_history_list_move (f->history, f->tracks, 0, 2, NULL);
  g_assert_cmpint (lq_project_get_match_anchor (f->project), ==, 1);
  g_assert_true (lq_project_get_track (f->project, 1) == anchor);
  lq_history_list_remove (f->history, f->tracks, 1, NULL);
  g_assert_cmpint (lq_project_get_match_anchor (f->project), ==, -1);
  g_assert_true (lq_history_undo (f->history));
  g_assert_cmpint (lq_project_get_match_anchor (f->project), ==, 1);
  g_assert_true (lq_history_undo (f->history));
  g_assert_true (lq_history_undo (f->history));
  g_assert_cmpint (lq_project_get_match_anchor (f->project), ==, 1);
  g_assert_true (lq_project_get_track (f->project, 1) == anchor);

  /* An anchor set before its track exists (a file being read) binds when the track arrives. */
  {
    g_autoptr(LqProject) project = lq_project_new ();
    g_autoptr(LqTrack) t0 = g_object_new (LQ_TYPE_TRACK, NULL);
    g_autoptr(LqTrack) t1 = g_object_new (LQ_TYPE_TRACK, NULL);
    g_autoptr(LqTrack) t2 = g_object_new (LQ_TYPE_TRACK, NULL);

    g_object_set (project, "match-anchor", 1, NULL);
    lq_project_append_track (project, t0);
    lq_project_append_track (project, t1);
    lq_project_append_track (project, t2);
    g_list_store_remove (G_LIST_STORE (lq_project_get_tracks (project)), 0);
    g_assert_cmpint (lq_project_get_match_anchor (project), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/lq/history/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("random-edits", test_random_edits);
  ADD ("clamped-value", test_clamped_value);
  ADD ("merge", test_merge);
  ADD ("group", test_group);
  ADD ("labels", test_labels);
  ADD ("save-point", test_save_point);
  ADD ("depth", test_depth);
  ADD ("references", test_references);
  ADD ("custom", test_custom);
  ADD ("child-proxy", test_child_proxy);
  ADD ("chain", test_chain);
  ADD ("bad-property", test_bad_property);
  ADD ("anchor-follows-track", test_anchor_follows_track);
#undef ADD

  return g_test_run ();
}
