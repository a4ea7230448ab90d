/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-relink"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-relink.h"

/* Folder entries looked at, at most, in one search (a search started at "/" ends). */
#define MAX_ENTRIES 200000

struct _LqRelinkProposal
{
  gatomicrefcount ref_count;
  LqTrack *track;         /* the missing track (a reference) */
  LqTrack *replacement;   /* a new track on the proposed file, probed; it takes the missing
                           * track's settings in lq_relink_apply() */
  GPtrArray *candidates;  /* GFile: every readable audio file that matched, best first */
  gboolean ambiguous;     /* several files fit equally well, or none had the track's length */
};

typedef struct
{
  LqTrack *track;         /* the missing track (a reference; only used on the main thread) */
  GFile *old_file;        /* where its source was */
  guint64 n_frames;       /* its length from an earlier probe, or 0 when never probed */
  guint rate;             /* its rate from an earlier probe, or 0 */
  GPtrArray *exact;       /* GFile found with the same name */
  GPtrArray *loose;       /* GFile found with the same name but for letter case */
} Wanted;

typedef struct
{
  GFile *folder;          /* where to search */
  GPtrArray *wanted;      /* Wanted, one per missing track */
  GHashTable *by_name;    /* base name → GPtrArray of Wanted (borrowed) */
  GHashTable *by_folded;  /* case-folded base name → GPtrArray of Wanted (borrowed) */
  guint visited;          /* folder entries seen so far */
} Search;

typedef struct
{
  GFile *file;            /* a file with the right name */
  LqTrack *probed;        /* a track on it that probed fine */
  gboolean length_ok;     /* it has the missing track's known length and rate */
  guint similarity;       /* how many parent folder names it shares with the old path */
  char *path;             /* for a stable order among equals */
} Candidate;

G_DEFINE_BOXED_TYPE (LqRelinkProposal, lq_relink_proposal, lq_relink_proposal_ref, lq_relink_proposal_unref)

static void
wanted_free (gpointer data)
{
  Wanted *w = data;

  g_clear_object (&w->track);
  g_clear_object (&w->old_file);
  g_ptr_array_unref (w->exact);
  g_ptr_array_unref (w->loose);
  g_free (w);
}

static void
candidate_free (gpointer data)
{
  Candidate *c = data;

  g_clear_object (&c->file);
  g_clear_object (&c->probed);
  g_free (c->path);
  g_free (c);
}

static void
search_free (gpointer data)
{
  Search *search = data;

  g_clear_object (&search->folder);
  g_hash_table_unref (search->by_name);
  g_hash_table_unref (search->by_folded);
  g_ptr_array_unref (search->wanted);
  g_free (search);
}

static void
index_wanted (GHashTable *table,
              char       *key,
              Wanted     *w)
{
  GPtrArray *list = g_hash_table_lookup (table, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (table, key, list);
    }
  else
    {
      g_free (key);
    }
  g_ptr_array_add (list, w);
}

/* Reads what is needed from the project's missing tracks; call on the main thread. */
static Search *
search_new (LqProject *project,
            GFile     *folder)
{
  Search *search = g_new0 (Search, 1);
  guint n = lq_project_get_n_tracks (project);

  search->folder = g_object_ref (folder);
  search->wanted = g_ptr_array_new_with_free_func (wanted_free);
  search->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  search->by_folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < n; i++)
    {
      LqTrack *track = lq_project_get_track (project, i);
      g_autofree char *name = NULL;
      Wanted *w;

      /* Tracks mixed from stems are not handled yet: each stem would need relinking. */
      if (!lq_track_get_missing (track) || g_list_model_get_n_items (lq_track_get_stems (track)) > 0)
        continue;
      name = g_file_get_basename (lq_track_get_file (track));
      if (name == NULL)
        continue;

      w = g_new0 (Wanted, 1);
      w->track = g_object_ref (track);
      w->old_file = g_object_ref (lq_track_get_file (track));
      w->n_frames = lq_track_get_n_frames (track);
      w->rate = lq_track_get_rate (track);
      w->exact = g_ptr_array_new_with_free_func (g_object_unref);
      w->loose = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (search->wanted, w);

      if (g_utf8_validate (name, -1, NULL))
        index_wanted (search->by_folded, g_utf8_casefold (name, -1), w);
      index_wanted (search->by_name, g_steal_pointer (&name), w);
    }
  return search;
}

static void
match_file (Search     *search,
            GFile      *dir,
            const char *name)
{
  GPtrArray *exact = g_hash_table_lookup (search->by_name, name);
  GPtrArray *loose = NULL;

  if (g_hash_table_size (search->by_folded) > 0 && g_utf8_validate (name, -1, NULL))
    {
      g_autofree char *folded = g_utf8_casefold (name, -1);
      loose = g_hash_table_lookup (search->by_folded, folded);
    }
  for (guint i = 0; exact != NULL && i < exact->len; i++)
    {
      Wanted *w = g_ptr_array_index (exact, i);

      if (w->exact->len < LQ_RELINK_MAX_CANDIDATES)
        g_ptr_array_add (w->exact, g_file_get_child (dir, name));
    }
  for (guint i = 0; exact == NULL && loose != NULL && i < loose->len; i++)
    {
      Wanted *w = g_ptr_array_index (loose, i);

      if (w->loose->len < LQ_RELINK_MAX_CANDIDATES)
        g_ptr_array_add (w->loose, g_file_get_child (dir, name));
    }
}

/* Looks through @dir and, depth permitting, its subfolders; skips hidden entries and does
 * not follow links to folders (no loops). Unreadable subfolders are skipped. */
static void
walk (Search       *search,
      GFile        *dir,
      guint         depth,
      GCancellable *cancellable)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) subdirs = g_ptr_array_new_with_free_func (g_object_unref);
  GFileInfo *info;

  children = g_file_enumerate_children (dir,
                                        G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                        G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN ","
                                        G_FILE_ATTRIBUTE_STANDARD_IS_SYMLINK,
                                        G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (children == NULL)
    return;

  while (search->visited < MAX_ENTRIES
         && (info = g_file_enumerator_next_file (children, cancellable, NULL)) != NULL)
    {
      const char *name = g_file_info_get_name (info);
      GFileType type = g_file_info_get_file_type (info);

      search->visited++;
      if (!g_file_info_get_is_hidden (info))
        {
          if (type == G_FILE_TYPE_DIRECTORY && !g_file_info_get_is_symlink (info) && depth < LQ_RELINK_MAX_DEPTH)
            g_ptr_array_add (subdirs, g_file_get_child (dir, name));
          else if (type == G_FILE_TYPE_REGULAR)
            match_file (search, dir, name);
        }
      g_object_unref (info);
    }

  for (guint i = 0; i < subdirs->len && !g_cancellable_is_cancelled (cancellable); i++)
    walk (search, g_ptr_array_index (subdirs, i), depth + 1, cancellable);
}

/* How many parent folder names, from the innermost out, @a and @b share. */
static guint
shared_parents (GFile *a,
                GFile *b)
{
  g_autoptr(GFile) pa = g_file_get_parent (a);
  g_autoptr(GFile) pb = g_file_get_parent (b);
  guint n = 0;

  while (pa != NULL && pb != NULL)
    {
      g_autofree char *na = g_file_get_basename (pa);
      g_autofree char *nb = g_file_get_basename (pb);
      GFile *next;

      if (g_strcmp0 (na, nb) != 0)
        break;
      n++;
      next = g_file_get_parent (pa);
      g_object_unref (pa);
      pa = next;
      next = g_file_get_parent (pb);
      g_object_unref (pb);
      pb = next;
    }
  return n;
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = *(Candidate * const *) a;
  const Candidate *cb = *(Candidate * const *) b;

  if (ca->length_ok != cb->length_ok)
    return ca->length_ok ? -1 : 1;
  if (ca->similarity != cb->similarity)
    return ca->similarity > cb->similarity ? -1 : 1;
  return g_strcmp0 (ca->path, cb->path);
}

static LqRelinkProposal *
proposal_new (LqTrack *track,
              LqTrack *replacement)
{
  LqRelinkProposal *proposal = g_new0 (LqRelinkProposal, 1);

  g_atomic_ref_count_init (&proposal->ref_count);
  proposal->track = g_object_ref (track);
  proposal->replacement = g_object_ref (replacement);
  proposal->candidates = g_ptr_array_new_with_free_func (g_object_unref);
  return proposal;
}

/* Probes the files found for @w (in the worker thread) and picks the best. */
static LqRelinkProposal *
choose (Wanted       *w,
        GCancellable *cancellable)
{
  GPtrArray *files = w->exact->len > 0 ? w->exact : w->loose;
  g_autoptr(GPtrArray) ranked = g_ptr_array_new_with_free_func (candidate_free);
  gboolean known = w->n_frames > 0 && w->rate > 0;
  LqRelinkProposal *proposal;
  Candidate *best;

  for (guint i = 0; i < files->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      GFile *file = g_ptr_array_index (files, i);
      g_autoptr(LqTrack) probed = lq_track_new (file);
      Candidate *c;

      if (!lq_track_probe (probed, cancellable, NULL))
        continue; /* not audio after all */
      c = g_new0 (Candidate, 1);
      c->file = g_object_ref (file);
      c->probed = g_steal_pointer (&probed);
      /* The same file gives the same length; 10 ms of slack for another decoder's rounding. */
      c->length_ok = known && lq_track_get_rate (c->probed) == w->rate
                     && llabs ((long long) lq_track_get_n_frames (c->probed) - (long long) w->n_frames)
                        <= (long long) w->rate / 100;
      c->similarity = shared_parents (w->old_file, file);
      c->path = g_file_get_uri (file);
      g_ptr_array_add (ranked, c);
    }
  if (ranked->len == 0)
    return NULL;

  g_ptr_array_sort (ranked, compare_candidates);
  best = g_ptr_array_index (ranked, 0);
  proposal = proposal_new (w->track, best->probed);
  for (guint i = 0; i < ranked->len; i++)
    g_ptr_array_add (proposal->candidates, g_object_ref (((Candidate *) g_ptr_array_index (ranked, i))->file));
  if (known)
    proposal->ambiguous = !best->length_ok
                          || (ranked->len > 1 && ((Candidate *) g_ptr_array_index (ranked, 1))->length_ok);
  else
    proposal->ambiguous = ranked->len > 1;
  return proposal;
}

static GPtrArray *
search_run (Search        *search,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GPtrArray) proposals = g_ptr_array_new_with_free_func ((GDestroyNotify) lq_relink_proposal_unref);

  if (g_file_query_file_type (search->folder, G_FILE_QUERY_INFO_NONE, cancellable) != G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *name = g_file_get_parse_name (search->folder);

      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                     _("“%s” is not a folder that can be searched for the missing files"), name);
      return NULL;
    }
  if (search->wanted->len == 0)
    return g_steal_pointer (&proposals);

  walk (search, search->folder, 0, cancellable);
  for (guint i = 0; i < search->wanted->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      LqRelinkProposal *proposal = choose (g_ptr_array_index (search->wanted, i), cancellable);

      if (proposal != NULL)
        g_ptr_array_add (proposals, proposal);
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&proposals);
}

/* Copies what the user set on @from to @to: every writable property not at its default (but
 * the file), the index markers and the processing chain (as new elements, so that the missing
 * track keeps its own for undo). */
static void
copy_settings (LqTrack *from,
               LqTrack *to)
{
  guint n;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (from), &n);
  LqChain *chain = lq_track_get_chain (from);
  const guint64 *indexes;
  guint n_indexes;

  for (guint i = 0; i < n; i++)
    {
      GParamSpec *pspec = pspecs[i];
      g_auto(GValue) value = G_VALUE_INIT;

      if ((pspec->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE
          || (pspec->flags & (G_PARAM_CONSTRUCT_ONLY | G_PARAM_DEPRECATED)) != 0
          || g_str_equal (pspec->name, "file"))
        continue;
      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (from), pspec->name, &value);
      if (!g_param_value_defaults (pspec, &value))
        g_object_set_property (G_OBJECT (to), pspec->name, &value);
    }

  indexes = lq_track_get_indexes (from, &n_indexes);
  lq_track_set_indexes (to, indexes, n_indexes);

  for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
    {
      LqChainElement *element = lq_chain_get_element (chain, i);
      g_autoptr(LqChainElement) copy = lq_chain_element_new (lq_chain_element_get_factory (element));
      g_auto(GStrv) names = lq_chain_element_list_properties (element);

      lq_chain_element_set_bypass (copy, lq_chain_element_get_bypass (element));
      for (guint k = 0; names[k] != NULL; k++)
        lq_chain_element_set (copy, names[k], lq_chain_element_get (element, names[k]));
      lq_chain_append (lq_track_get_chain (to), copy);
    }
}

/**
 * lq_relink_proposal_new:
 * @track: a track of the project
 * @file: the file the user picked for it
 *
 * A proposal for relinking by hand ("Locate…"). Probes @file (blocking).
 *
 * Returns: (transfer full) (nullable): the proposal, or %NULL with @error set when @file is
 *   not audio that can be read
 */
LqRelinkProposal *
lq_relink_proposal_new (LqTrack       *track,
                        GFile         *file,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(LqTrack) replacement = NULL;
  LqRelinkProposal *proposal;

  g_return_val_if_fail (LQ_IS_TRACK (track), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  replacement = lq_track_new (file);
  if (!lq_track_probe (replacement, cancellable, error))
    return NULL;
  proposal = proposal_new (track, replacement);
  g_ptr_array_add (proposal->candidates, g_object_ref (file));
  return proposal;
}

LqRelinkProposal *
lq_relink_proposal_ref (LqRelinkProposal *proposal)
{
  g_return_val_if_fail (proposal != NULL, NULL);
  g_atomic_ref_count_inc (&proposal->ref_count);
  return proposal;
}

void
lq_relink_proposal_unref (LqRelinkProposal *proposal)
{
  g_return_if_fail (proposal != NULL);

  if (!g_atomic_ref_count_dec (&proposal->ref_count))
    return;
  g_clear_object (&proposal->track);
  g_clear_object (&proposal->replacement);
  g_ptr_array_unref (proposal->candidates);
  g_free (proposal);
}

/**
 * lq_relink_proposal_get_track:
 *
 * Returns: (transfer none): the missing track
 */
LqTrack *
lq_relink_proposal_get_track (LqRelinkProposal *proposal)
{
  g_return_val_if_fail (proposal != NULL, NULL);
  return proposal->track;
}

/**
 * lq_relink_proposal_get_file:
 *
 * Returns: (transfer none): the file proposed for the track
 */
GFile *
lq_relink_proposal_get_file (LqRelinkProposal *proposal)
{
  g_return_val_if_fail (proposal != NULL, NULL);
  return lq_track_get_file (proposal->replacement);
}

/**
 * lq_relink_proposal_get_replacement:
 *
 * Returns: (transfer none): the probed track on the proposed file that lq_relink_apply() puts
 *   in place of the missing one (its length and format can be shown before applying)
 */
LqTrack *
lq_relink_proposal_get_replacement (LqRelinkProposal *proposal)
{
  g_return_val_if_fail (proposal != NULL, NULL);
  return proposal->replacement;
}

/**
 * lq_relink_proposal_get_ambiguous:
 *
 * Returns: %TRUE when the choice deserves a look: several files fit equally well (the best is
 *   the one in the most similar folder), or the track's length was known and no file has it
 */
gboolean
lq_relink_proposal_get_ambiguous (LqRelinkProposal *proposal)
{
  g_return_val_if_fail (proposal != NULL, FALSE);
  return proposal->ambiguous;
}

guint
lq_relink_proposal_get_n_candidates (LqRelinkProposal *proposal)
{
  g_return_val_if_fail (proposal != NULL, 0);
  return proposal->candidates->len;
}

/**
 * lq_relink_proposal_get_candidate:
 *
 * Returns: (transfer none): the @index-th readable file that matched, best first (0 is the
 *   proposed file)
 */
GFile *
lq_relink_proposal_get_candidate (LqRelinkProposal *proposal,
                                  guint             index)
{
  g_return_val_if_fail (proposal != NULL, NULL);
  g_return_val_if_fail (index < proposal->candidates->len, NULL);
  return g_ptr_array_index (proposal->candidates, index);
}

/**
 * lq_relink_find:
 * @project: a project with missing tracks (lq_track_get_missing())
 * @folder: where to look; subfolders are searched down to %LQ_RELINK_MAX_DEPTH levels,
 *   hidden ones and links to folders are not
 *
 * Looks for each missing track's file by name (the same letter case first, else any case).
 * Tracks mixed from stems are skipped (not supported yet).
 * When several files match, the track's length (known if it was probed before it went
 * missing) decides, then the folder names the old and new paths share. Blocking: the
 * candidates are probed; see lq_relink_find_async().
 *
 * Returns: (transfer container) (element-type LqRelinkProposal): one proposal per missing
 *   track that was found (possibly none), or %NULL with @error set when @folder is not a
 *   folder or the search was cancelled
 */
GPtrArray *
lq_relink_find (LqProject     *project,
                GFile         *folder,
                GCancellable  *cancellable,
                GError       **error)
{
  Search *search;
  GPtrArray *proposals;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);
  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  search = search_new (project, folder);
  proposals = search_run (search, cancellable, error);
  search_free (search);
  return proposals;
}

static void
find_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *proposals = search_run (task_data, cancellable, &error);

  if (proposals == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, proposals, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * lq_relink_find_async:
 *
 * lq_relink_find() in a worker thread. The project's missing tracks are read now, on the
 * calling (main) thread.
 */
void
lq_relink_find_async (LqProject           *project,
                      GFile               *folder,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LQ_IS_PROJECT (project));
  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (project, cancellable, callback, user_data);
  g_task_set_source_tag (task, lq_relink_find_async);
  g_task_set_task_data (task, search_new (project, folder), search_free);
  g_task_run_in_thread (task, find_thread);
}

/**
 * lq_relink_find_finish:
 *
 * Returns: (transfer container) (element-type LqRelinkProposal): see lq_relink_find()
 */
GPtrArray *
lq_relink_find_finish (LqProject     *project,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lq_relink_apply:
 * @history: (nullable): the project's history; the relinks become one undoable step
 * @proposals: (element-type LqRelinkProposal): the proposals the user accepted
 *
 * Puts each proposal's replacement track (on the new file, already probed) in place of its
 * missing track, at the same position, with the missing track's title, performer and every
 * other setting. Undo brings the missing tracks back. Proposals whose track has left the
 * project (or was relinked already) are skipped. Call on the main thread.
 *
 * Returns: how many tracks were relinked
 */
guint
lq_relink_apply (LqProject *project,
                 LqHistory *history,
                 GPtrArray *proposals)
{
  GListStore *store;
  g_autofree char *label = NULL;
  guint todo = 0;
  guint done = 0;

  g_return_val_if_fail (LQ_IS_PROJECT (project), 0);
  g_return_val_if_fail (history == NULL || LQ_IS_HISTORY (history), 0);
  g_return_val_if_fail (proposals != NULL, 0);
  g_return_val_if_fail (G_IS_LIST_STORE (lq_project_get_tracks (project)), 0);

  store = G_LIST_STORE (lq_project_get_tracks (project));
  for (guint i = 0; i < proposals->len; i++)
    {
      LqRelinkProposal *p = g_ptr_array_index (proposals, i);

      if (g_list_store_find (store, p->track, NULL) && !g_list_store_find (store, p->replacement, NULL))
        todo++;
    }
  if (todo == 0)
    return 0;

  label = todo == 1 ? g_strdup (_("Relink Track"))
                    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Relink %u Track", "Relink %u Tracks", todo), todo);
  if (history != NULL)
    lq_history_begin_group (history, label);
  for (guint i = 0; i < proposals->len; i++)
    {
      LqRelinkProposal *p = g_ptr_array_index (proposals, i);
      guint position;

      if (!g_list_store_find (store, p->track, &position) || g_list_store_find (store, p->replacement, NULL))
        continue;
      copy_settings (p->track, p->replacement);
      if (history != NULL)
        lq_history_list_replace (history, store, position, p->replacement, label);
      else
        g_list_store_splice (store, position, 1, (gpointer *) &p->replacement, 1);
      done++;
    }
  if (history != NULL)
    lq_history_end_group (history);
  return done;
}
