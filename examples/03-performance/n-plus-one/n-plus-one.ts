import { BlogPost, BlogUser } from '../blog/models.js';

/** A user with their posts, as the API returns it. */
export interface UserWithPosts {
  id: number;
  name: string;
  posts: { id: number; title: string }[];
}

// #region naive
/**
 * ❌ The seed's loop: one query for the users, then one per user (1 + N). It also assigns
 * `user.posts` on a model instance, which `toJSON()` ignores: the posts vanish from the response.
 */
export async function naiveUsersWithPosts(): Promise<BlogUser[]> {
  const users = await BlogUser.findAll({ order: [['id', 'ASC']] });
  for (const user of users) {
    user.posts = await BlogPost.findAll({ where: { userId: user.id } });
  }
  return users;
}
// #endregion naive

// #region eager
/** Eager loading: one query with a LEFT JOIN, whatever the number of users. */
export function usersWithPosts(): Promise<BlogUser[]> {
  return BlogUser.findAll({
    include: [{ model: BlogPost, as: 'posts' }],
    order: [
      ['id', 'ASC'],
      [{ model: BlogPost, as: 'posts' }, 'createdAt', 'DESC'],
    ],
  });
}

/**
 * `separate: true`: two queries (users, then posts WHERE "userId" IN (...)). Prefer it when users
 * are paginated or have many posts: the JOIN repeats every user column once per post.
 */
export function usersWithPostsSeparate(): Promise<BlogUser[]> {
  return BlogUser.findAll({
    include: [{ model: BlogPost, as: 'posts', separate: true, order: [['createdAt', 'DESC']] }],
    order: [['id', 'ASC']],
  });
}
// #endregion eager

/** The response shape; works for every loader above that keeps posts in the model. */
export function toResponse(users: BlogUser[]): UserWithPosts[] {
  return users.map((user) => {
    const plain = user.toJSON() as BlogUser & { posts?: BlogPost[] };
    return {
      id: plain.id,
      name: plain.name,
      posts: (plain.posts ?? []).map((post) => ({ id: post.id, title: post.title })),
    };
  });
}
