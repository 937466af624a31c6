/* SPDX-License-Identifier: GPL-2.0 */
/* Growable arrays: the one way user space appends to its tables. */
#ifndef VMT_ARRAY_H
#define VMT_ARRAY_H

#include <stdlib.h>
#include <string.h>

/*
 * Appends one zeroed element to the array items (with counters nr and cap,
 * all lvalues), doubling its capacity, starting at first. Evaluates to the
 * new element, or NULL when out of memory (the array is left as it was).
 */
#define array_push(items, nr, cap, first) __extension__ ({			\
	__typeof__(items) _grown = (items);					\
	if ((nr) == (cap)) {							\
		size_t _cap = (cap) ? 2 * (size_t)(cap) : (first);		\
		_grown = reallocarray((items), _cap, sizeof(*(items)));	\
		if (_grown) {							\
			(items) = _grown;					\
			(cap) = _cap;						\
		}								\
	}									\
	_grown ? (__typeof__(items))memset(&(items)[(nr)++], 0,		\
					     sizeof(*(items))) : NULL;		\
})

#endif
