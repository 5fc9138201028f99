import type { Sequelize } from 'sequelize';
import { defineProductModel, type ProductModel } from './product.js';
import { defineUserModel, type UserModel } from './user.js';

export interface Models {
  User: UserModel;
  Product: ProductModel;
}

/** Binds the models to one Sequelize instance: called once, by the composition root. */
export function defineModels(sequelize: Sequelize): Models {
  return { User: defineUserModel(sequelize), Product: defineProductModel(sequelize) };
}
